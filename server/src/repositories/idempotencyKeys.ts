import { z } from 'zod'
import type { Queryable } from '../db/knex'

export const IdempotencyRow = z.object({
  scope: z.string(),
  idem_key: z.string(),
  request_hash: z.string(),
  status_code: z.coerce.number().int(),
  response_body: z.string(),
})
export type IdempotencyRow = z.infer<typeof IdempotencyRow>

export const idempotencyKeysRepo = {
  async find(db: Queryable, scope: string, key: string) {
    const row = await db('idempotency_keys').where({ scope, idem_key: key }).first()
    return row ? IdempotencyRow.parse(row) : undefined
  },
  /** Inserts the key; fails with a unique violation when it is already taken (or being taken). */
  async claim(
    db: Queryable,
    entry: { scope: string; key: string; method: string; path: string; requestHash: string },
  ) {
    await db('idempotency_keys').insert({
      scope: entry.scope,
      idem_key: entry.key,
      method: entry.method,
      path: entry.path.slice(0, 255),
      request_hash: entry.requestHash,
      status_code: 0,
      response_body: '',
      created_at: new Date(),
    })
  },
  async complete(db: Queryable, scope: string, key: string, status: number, body: unknown) {
    await db('idempotency_keys')
      .where({ scope, idem_key: key })
      .update({ status_code: status, response_body: JSON.stringify(body ?? null) })
  },
  async deleteOlderThan(db: Queryable, cutoff: Date) {
    return db('idempotency_keys').where('created_at', '<', cutoff).delete()
  },
}
