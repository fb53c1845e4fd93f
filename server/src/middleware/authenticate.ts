import type { Actor } from '../policies'
import { verifyToken, type TokenClaims } from '../auth/tokens'
import { errors } from '../errors'
import { regionsRepo } from '../repositories/regions'
import { sessionsRepo } from '../repositories/sessions'
import { usersRepo } from '../repositories/users'
import type { AppMiddleware } from '../context'
import type { Queryable } from '../db/knex'

/**
 * Loads the actor an access token speaks for; refuses disabled accounts, tokens issued before the user's
 * token_version moved on, and tokens of a session that has ended (logout, password change, reuse).
 */
export async function loadActor(db: Queryable, claims: Pick<TokenClaims, 'userId' | 'version' | 'sessionId'>): Promise<Actor> {
  const user = await usersRepo.findById(db, claims.userId)
  if (!user || user.token_version !== claims.version) throw errors.tokenInvalid()
  if (user.disabled) throw errors.accountDisabled()
  const session = await sessionsRepo.findById(db, claims.sessionId)
  if (!session || session.user_id !== user.id || session.revoked_at) throw errors.tokenInvalid()
  const region = user.region_id ? await regionsRepo.findById(db, user.region_id) : undefined
  return {
    id: user.id,
    role: user.role,
    displayName: user.display_name,
    region: region ? { id: region.id, path: region.path } : null,
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
        ctx.state.actor = await loadActor(ctx.services.db, claims)
      } catch (err) {
        ctx.state.authError = err as Error
      }
    }
    await next()
  }
}

export function requireActor(ctx: { state: { actor?: Actor; authError?: Error } }): Actor {
  if (ctx.state.actor) return ctx.state.actor
  throw ctx.state.authError ?? errors.unauthenticated()
}
