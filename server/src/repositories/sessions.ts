import { z } from 'zod'
import type { Queryable } from '../db/knex'

const time = z.union([z.date(), z.number(), z.string()]).transform((v) => new Date(v))

export const SessionRow = z.object({
  id: z.string(),
  user_id: z.coerce.number().int(),
  created_at: time,
  refreshed_at: time.nullable(),
  revoked_at: time.nullable(),
  revoked_reason: z.string().nullable(),
})
export type SessionRow = z.infer<typeof SessionRow>

export const RefreshTokenRow = z.object({
  id: z.string(),
  session_id: z.string(),
  expires_at: time,
  used_at: time.nullable(),
  used_by_key: z.string().nullable().default(null),
  created_at: time,
})
export type RefreshTokenRow = z.infer<typeof RefreshTokenRow>

export type RevokeReason = 'logout' | 'password' | 'disabled' | 'admin' | 'reuse'

export const sessionsRepo = {
  async insert(db: Queryable, s: { id: string; userId: number; now: Date }) {
    await db('sessions').insert({ id: s.id, user_id: s.userId, created_at: s.now, refreshed_at: null, revoked_at: null, revoked_reason: null })
  },
  async findById(db: Queryable, id: string) {
    const row = await db('sessions').where({ id }).first()
    return row ? SessionRow.parse(row) : undefined
  },
  async markRefreshed(db: Queryable, id: string, now: Date) {
    await db('sessions').where({ id }).update({ refreshed_at: now })
  },
  /** Revokes one session; false when it was already revoked. */
  async revoke(db: Queryable, id: string, reason: RevokeReason, now: Date): Promise<boolean> {
    return (await db('sessions').where({ id }).whereNull('revoked_at').update({ revoked_at: now, revoked_reason: reason })) === 1
  },
  /** Revokes every open session of a user; returns how many. */
  async revokeAllOf(db: Queryable, userId: number, reason: RevokeReason, now: Date): Promise<number> {
    return db('sessions').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: now, revoked_reason: reason })
  },
  async countOpen(db: Queryable, userId: number): Promise<number> {
    const row = await db('sessions').where({ user_id: userId }).whereNull('revoked_at').count({ n: '*' }).first()
    return Number(row?.n ?? 0)
  },
}

export const refreshTokensRepo = {
  async insert(db: Queryable, t: { id: string; sessionId: string; expiresAt: Date; now: Date }) {
    await db('refresh_tokens').insert({ id: t.id, session_id: t.sessionId, expires_at: t.expiresAt, used_at: null, created_at: t.now })
  },
  /** The token's row, locked until the transaction ends so two refreshes with one token take turns. */
  async lock(db: Queryable, id: string) {
    const row = await db('refresh_tokens').where({ id }).forUpdate().first()
    return row ? RefreshTokenRow.parse(row) : undefined
  },
  /** Spends a refresh token; false when it was already spent. */
  async markUsed(db: Queryable, id: string, now: Date, byKey: string | null = null): Promise<boolean> {
    return (await db('refresh_tokens').where({ id }).whereNull('used_at').update({ used_at: now, used_by_key: byKey })) === 1
  },
  /** Removes refresh tokens that ran out before `before`. */
  async purgeExpired(db: Queryable, before: Date): Promise<number> {
    return db('refresh_tokens').where('expires_at', '<', before).delete()
  },
}
