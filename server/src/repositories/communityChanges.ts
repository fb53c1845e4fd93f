import type { Queryable } from '../db/knex'

/** Each time a resident chose or changed their community, and why. */
export const communityChangesRepo = {
  async insert(db: Queryable, c: { userId: number; from: number | null; to: number; reason: string; now: Date }) {
    await db('community_changes').insert({
      user_id: c.userId, from_region_id: c.from, to_region_id: c.to, reason: c.reason, created_at: c.now,
    })
  },
}
