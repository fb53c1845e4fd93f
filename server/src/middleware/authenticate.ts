import type { Actor } from '../policies'
import { verifyToken, type TokenClaims } from '../auth/tokens'
import { errors } from '../errors'
import { usersRepo, type UserRow } from '../repositories/users'
import type { AppMiddleware } from '../context'
import type { Queryable } from '../db/knex'

/**
 * Loads the actor an access token speaks for, with their users row, in one statement read on every request
 * (nothing is cached, so a revocation counts from the next request); refuses disabled accounts, tokens issued
 * before the user's token_version moved on, and tokens of a session that has ended (logout, password change,
 * reuse).
 */
export async function loadActor(
  db: Queryable, claims: Pick<TokenClaims, 'userId' | 'version' | 'sessionId'>,
): Promise<{ actor: Actor; user: UserRow }> {
  const found = await usersRepo.findWithSession(db, claims.userId, claims.sessionId)
  if (!found || found.user.token_version !== claims.version) throw errors.tokenInvalid()
  const { user, session, regionPath } = found
  if (user.disabled) throw errors.accountDisabled()
  if (!session || session.revoked) throw errors.tokenInvalid()
  return {
    actor: {
      id: user.id,
      role: user.role,
      displayName: user.display_name,
      region: user.region_id && regionPath !== null ? { id: user.region_id, path: regionPath } : null,
    },
    user,
  }
}

/**
 * Reads a bearer token when one is presented. A bad token does not fail the request here: routes that
 * need a login throw the reason, and public routes (login itself) work with a stale token attached.
 */
export function authenticate(): AppMiddleware {
  return async function authenticate(ctx, next) {
    const header = ctx.get('Authorization')
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header)
      try {
        if (!match) throw errors.tokenInvalid()
        const claims = verifyToken(ctx.services.config.jwt, match[1]!, 'access')
        const { actor, user } = await loadActor(ctx.services.db, claims)
        ctx.state.actor = actor
        ctx.state.user = user
      } catch (err) {
        ctx.state.authError = err as Error
      }
    }
    await next()
  }
}

/** The logged-in actor's users row, as read when the request was authenticated. */
export function requireUser(ctx: { state: { user?: UserRow; authError?: Error } }): UserRow {
  if (ctx.state.user) return ctx.state.user
  throw ctx.state.authError ?? errors.unauthenticated()
}

export function requireActor(ctx: { state: { actor?: Actor; authError?: Error } }): Actor {
  if (ctx.state.actor) return ctx.state.actor
  throw ctx.state.authError ?? errors.unauthenticated()
}
