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
  /** The account behind a live key, or undefined. */
  async userForKey(db: Queryable, key: string): Promise<number | undefined> {
    const row = await db('open311_keys').where({ key_hash: hashApiKey(key) }).whereNull('revoked_at').first('user_id')
    return row ? Number(row.user_id) : undefined
  },
}
