import { createHash } from 'node:crypto'
import type { Queryable } from '../db/knex'

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex')

export const open311KeysRepo = {
  async insert(db: Queryable, k: { name: string; key: string; userId: number; createdBy: number }) {
    const [id] = await db('open311_keys').insert({
      name: k.name, key_hash: hashApiKey(k.key), user_id: k.userId, created_by: k.createdBy, created_at: new Date(),
    })
    return Number(id)
  },
  /** Keys issued by these accounts, newest first: name and state only, never the hash. */
  async listIssuedBy(db: Queryable, userIds: number[]) {
    if (userIds.length === 0) return []
    const rows = await db('open311_keys').whereIn('created_by', userIds).orderBy('created_at', 'desc').select('id', 'name', 'created_at', 'revoked_at')
    return rows.map((r: { id: unknown; name: string; created_at: string | number | Date; revoked_at: string | number | Date | null }) => ({
      id: Number(r.id), name: r.name, createdAt: new Date(r.created_at), revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at),
    }))
  },
  async findCreator(db: Queryable, id: number): Promise<number | undefined> {
    const row = await db('open311_keys').where({ id }).first('created_by')
    return row ? Number(row.created_by) : undefined
  },
  async revoke(db: Queryable, id: number, now: Date) {
    await db('open311_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: now })
  },
  /** The account behind a live key, or undefined. */
  async userForKey(db: Queryable, key: string): Promise<number | undefined> {
    const row = await db('open311_keys').where({ key_hash: hashApiKey(key) }).whereNull('revoked_at').first('user_id')
    return row ? Number(row.user_id) : undefined
  },
}
