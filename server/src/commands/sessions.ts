import { randomBytes } from 'node:crypto'
import type { AuthSession } from '@anju/shared'
import type { Config } from '../config'
import type { Queryable, Trx } from '../db/knex'
import { issueTokens, verifyToken, type TokenPair } from '../auth/tokens'
import { errors } from '../errors'
import { presentUser } from '../presenters'
import { regionsRepo } from '../repositories/regions'
import { refreshTokensRepo, sessionsRepo, type RevokeReason } from '../repositories/sessions'
import { usersRepo, type UserRow } from '../repositories/users'

const newId = () => randomBytes(16).toString('hex')

/** Thrown inside a refresh's transaction when its token was already spent; the caller then revokes the session. */
export class RefreshTokenReused extends Error {
  constructor(readonly sessionId: string) {
    super('refresh token reused')
  }
}

/** A new refresh token for `sessionId` and the access token that goes with it. */
async function mintTokens(db: Queryable, jwt: Config['jwt'], user: UserRow, sessionId: string, now: Date): Promise<TokenPair> {
  const refreshTokenId = newId()
  await refreshTokensRepo.insert(db, {
    id: refreshTokenId, sessionId, expiresAt: new Date(now.getTime() + jwt.refreshTtlSeconds * 1000), now,
  })
  return issueTokens(jwt, user, { sessionId, refreshTokenId })
}

/** Starts a session (one login) for `user`: our own token pair and the user as the API shows it. */
export async function startSession(db: Queryable, jwt: Config['jwt'], user: UserRow, now = new Date()): Promise<AuthSession> {
  if (user.disabled) throw errors.accountDisabled()
  const sessionId = newId()
  await sessionsRepo.insert(db, { id: sessionId, userId: user.id, now })
  const tokens = await mintTokens(db, jwt, user, sessionId, now)
  const region = user.region_id ? await regionsRepo.findById(db, user.region_id) : undefined
  return { ...tokens, user: presentUser(user, region) }
}

/**
 * Trades a refresh token for a new pair (rotation). Each refresh token works once: one presented again means it
 * was copied, and the caller revokes the whole session (RefreshTokenReused). Tokens of a revoked session, or
 * issued before the user's token_version moved on, are refused.
 */
/** How long after a refresh its retry (same token, same Idempotency-Key) is issued a session again. */
export const REFRESH_RETRY_WINDOW_MS = 10 * 60 * 1000

export async function rotateRefreshToken(
  { trx, jwt, refreshToken, retryKey = null, now = new Date() }: {
    trx: Trx; jwt: Config['jwt']; refreshToken: string
    /** A hash of the request's Idempotency-Key: a retry with the same key is issued again, not taken for reuse. */
    retryKey?: string | null
    now?: Date
  },
): Promise<AuthSession> {
  const claims = verifyToken(jwt, refreshToken, 'refresh')
  const token = await refreshTokensRepo.lock(trx, claims.tokenId!)
  if (!token || token.session_id !== claims.sessionId) throw errors.tokenInvalid()
  const session = await sessionsRepo.findById(trx, claims.sessionId)
  if (!session || session.user_id !== claims.userId || session.revoked_at) throw errors.tokenInvalid()
  // A retry of the refresh that spent this token (its answer was lost on the way) is issued a session again;
  // any other second use means someone holds a copy.
  const retried = token.used_at !== null && retryKey !== null && token.used_by_key === retryKey &&
    now.getTime() - token.used_at.getTime() < REFRESH_RETRY_WINDOW_MS
  if (!retried && (token.used_at || !(await refreshTokensRepo.markUsed(trx, token.id, now, retryKey)))) throw new RefreshTokenReused(session.id)
  const user = await usersRepo.findById(trx, claims.userId)
  if (!user || user.token_version !== claims.version) throw errors.tokenInvalid()
  if (user.disabled) throw errors.accountDisabled()
  await sessionsRepo.markRefreshed(trx, session.id, now)
  const tokens = await mintTokens(trx, jwt, user, session.id, now)
  const region = user.region_id ? await regionsRepo.findById(trx, user.region_id) : undefined
  return { ...tokens, user: presentUser(user, region) }
}

/** Revokes one session (logout, or a reused refresh token); its access and refresh tokens stop working. */
export async function endSession(db: Queryable, sessionId: string, reason: RevokeReason, now = new Date()): Promise<void> {
  await sessionsRepo.revoke(db, sessionId, reason, now)
}

/** Logging out with a refresh token (even one that has just expired): its session ends. */
export async function logOut({ db, jwt, refreshToken }: { db: Queryable; jwt: Config['jwt']; refreshToken: string }) {
  const claims = verifyToken(jwt, refreshToken, 'refresh', { allowExpired: true })
  const session = await sessionsRepo.findById(db, claims.sessionId)
  if (session && session.user_id === claims.userId) await endSession(db, session.id, 'logout')
  return { ok: true as const }
}

/**
 * Ends every session of a user at once: their token_version moves on (every token ever issued stops working)
 * and each open session is marked revoked with the reason.
 */
export async function revokeAllSessions(trx: Trx, userId: number, reason: RevokeReason, now = new Date()): Promise<void> {
  await usersRepo.bumpTokenVersion(trx, userId)
  await sessionsRepo.revokeAllOf(trx, userId, reason, now)
}
