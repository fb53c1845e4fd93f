import { z } from 'zod'
import { Role } from '@anju/shared'
import type { Queryable } from '../db/knex'

/** A users row as read back, checked at the boundary. */
export const UserRow = z.object({
  id: z.coerce.number().int(),
  openid: z.string().nullable(),
  username: z.string().nullable(),
  password_hash: z.string().nullable(),
  display_name: z.string(),
  role: Role,
  region_id: z.coerce.number().int().nullable(),
  token_version: z.coerce.number().int(),
  disabled: z.coerce.boolean(),
  failed_logins: z.coerce.number().int(),
  locked_at: z.union([z.date(), z.number(), z.string()]).nullable(),
  community_since: z.union([z.date(), z.number(), z.string()]).nullable(),
  created_at: z.union([z.date(), z.number(), z.string()]),
})
export type UserRow = z.infer<typeof UserRow>

function parse(row: unknown): UserRow | undefined {
  return row ? UserRow.parse(row) : undefined
}

export const usersRepo = {
  async findById(db: Queryable, id: number) {
    return parse(await db('users').where({ id }).first())
  },
  /**
   * The user with what authenticating a token needs, in one statement: the session `sessionId` if it is this
   * user's (its revocation time, undefined when there is no such session of theirs) and the path of their region.
   */
  async findWithSession(db: Queryable, id: number, sessionId: string) {
    const row = await db('users as u')
      .leftJoin('sessions as s', (j) => j.on('s.user_id', '=', 'u.id').andOnVal('s.id', '=', sessionId))
      .leftJoin('regions as r', 'r.id', 'u.region_id')
      .where('u.id', id)
      .first('u.*', 's.id as session_id', 's.revoked_at as session_revoked_at', 'r.path as region_path')
    if (!row) return undefined
    return {
      user: UserRow.parse(row),
      session: row.session_id === null ? undefined : { revoked: row.session_revoked_at !== null },
      regionPath: row.region_path === null ? null : String(row.region_path),
    }
  },
  async findByIds(db: Queryable, ids: number[]) {
    if (ids.length === 0) return []
    return (await db('users').whereIn('id', [...new Set(ids)])).map((r: unknown) => UserRow.parse(r))
  },
  /**
   * Locks the user's row until the transaction ends: serialises one account's rate-limited actions. It writes the
   * row rather than only selecting it FOR UPDATE, because on a multi-primary cluster only a write conflicts
   * across nodes (the later COMMIT fails with 1213 and the transaction is retried).
   */
  async lockForUpdate(db: Queryable, id: number) {
    await db('users').where({ id }).increment('row_guard', 1)
  },
  async findByOpenid(db: Queryable, openid: string) {
    return parse(await db('users').where({ openid }).first())
  },
  /** Enabled accounts of these roles working at exactly this region (not below it). */
  async workingAt(db: Queryable, regionId: number, roles: readonly string[]): Promise<number[]> {
    return (await db('users').where({ region_id: regionId, disabled: false }).whereIn('role', roles).orderBy('id').pluck('id')).map(Number)
  },
  async findByUsername(db: Queryable, username: string) {
    return parse(await db('users').where({ username }).first())
  },
  async insert(
    db: Queryable,
    user: {
      openid?: string | null
      unionid?: string | null
      username?: string | null
      passwordHash?: string | null
      displayName: string
      role: Role
      regionId?: number | null
    },
  ): Promise<number> {
    const now = new Date()
    const [id] = await db('users').insert({
      openid: user.openid ?? null,
      unionid: user.unionid ?? null,
      username: user.username ?? null,
      password_hash: user.passwordHash ?? null,
      display_name: user.displayName,
      role: user.role,
      region_id: user.regionId ?? null,
      created_at: now,
      updated_at: now,
    })
    return Number(id)
  },
  async update(
    db: Queryable,
    id: number,
    fields: Partial<{ passwordHash: string; displayName: string; role: Role; regionId: number | null; disabled: boolean }>,
  ) {
    const row: Record<string, unknown> = { updated_at: new Date() }
    if (fields.passwordHash !== undefined) row.password_hash = fields.passwordHash
    if (fields.displayName !== undefined) row.display_name = fields.displayName
    if (fields.role !== undefined) row.role = fields.role
    if (fields.regionId !== undefined) row.region_id = fields.regionId
    if (fields.disabled !== undefined) row.disabled = fields.disabled
    await db('users').where({ id }).update(row)
  },
  /** Revokes every token issued to the user so far. */
  async bumpTokenVersion(db: Queryable, id: number) {
    await db('users').where({ id }).increment('token_version', 1)
  },
  /** Accounts with a password (people, not platform or Open311 accounts) in these regions, by region then name. */
  async staffInRegions(db: Queryable, regionIds: number[]) {
    if (regionIds.length === 0) return []
    const rows = await db('users').whereIn('region_id', regionIds).whereNotNull('password_hash').whereNotNull('username')
      .whereIn('role', ['grid_worker', 'staff', 'centre', 'admin']).orderBy('region_id').orderBy('username')
    return rows.map((r: unknown) => UserRow.parse(r))
  },
  /**
   * Counts one more wrong password and locks the account when the count reaches `lockAfter`, in one statement
   * (so simultaneous failures cannot skip the lock). locked_at is set before the count moves on: MySQL evaluates
   * an UPDATE's assignments left to right with the new values, SQLite with the old ones.
   */
  async recordFailedLogin(db: Queryable, id: number, lockAfter: number, now: Date) {
    await db('users').where({ id }).update({
      locked_at: db.raw('CASE WHEN failed_logins + 1 >= ? THEN COALESCE(locked_at, ?) ELSE locked_at END', [lockAfter, now]),
      failed_logins: db.raw('failed_logins + 1'),
    })
  },
  async clearFailedLogins(db: Queryable, id: number) {
    await db('users').where({ id }).andWhere('failed_logins', '>', 0).update({ failed_logins: 0 })
  },
  async unlock(db: Queryable, id: number) {
    await db('users').where({ id }).update({ locked_at: null, failed_logins: 0, updated_at: new Date() })
  },
  /** Sets the resident's community; `since` is when they moved there, or null for a first choice. */
  async setCommunity(db: Queryable, id: number, regionId: number, since: Date | null, now: Date) {
    await db('users').where({ id }).update({ region_id: regionId, community_since: since, updated_at: now })
  },
  async saveWechatSession(db: Queryable, userId: number, sessionKey: string) {
    await db('wechat_sessions')
      .insert({ user_id: userId, session_key: sessionKey, updated_at: new Date() })
      .onConflict('user_id')
      .merge(['session_key', 'updated_at'])
  },
}
