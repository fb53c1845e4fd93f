import type { Queryable } from '../db/knex'

/** rate-limiter-flexible's counters in the database (its SQLite and MySQL stores); `expire` is epoch ms. */
export const rateLimitsRepo = {
  async purgeExpired(db: Queryable, beforeMs: number): Promise<number> {
    return db('rate_limits').where('expire', '<', beforeMs).delete()
  },
}
