import { z } from 'zod'
import { RedemptionStatus } from '@anju/shared'
import type { Queryable } from '../db/knex'

const time = z.union([z.date(), z.number(), z.string()])

export const RedemptionRow = z.object({
  id: z.string(),
  code: z.string(),
  reward_id: z.coerce.number().int(),
  user_id: z.coerce.number().int(),
  points: z.coerce.number().int(),
  status: RedemptionStatus,
  expires_at: time,
  closed_by: z.coerce.number().int().nullable(),
  closed_at: time.nullable(),
  created_at: time,
})
export type RedemptionRow = z.infer<typeof RedemptionRow>

const parse = (row: unknown) => (row ? RedemptionRow.parse(row) : undefined)

export const redemptionsRepo = {
  async findById(db: Queryable, id: string) {
    return parse(await db('redemptions').where({ id }).first())
  },
  async findByCode(db: Queryable, code: string) {
    return parse(await db('redemptions').where({ code }).first())
  },
  async listOf(db: Queryable, userId: number, limit = 100) {
    const rows = await db('redemptions').where({ user_id: userId }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit)
    return rows.map((r) => RedemptionRow.parse(r))
  },
  async countHeld(db: Queryable, userId: number, rewardId: number): Promise<number> {
    const row = await db('redemptions').where({ user_id: userId, reward_id: rewardId }).whereIn('status', ['reserved', 'fulfilled']).count({ n: '*' }).first()
    return Number(row?.n ?? 0)
  },
  /** countHeld for several rewards at once: reward id → held count (absent when none). */
  async countHeldByReward(db: Queryable, userId: number, rewardIds: number[]): Promise<Map<number, number>> {
    if (rewardIds.length === 0) return new Map()
    const rows = await db('redemptions')
      .where({ user_id: userId })
      .whereIn('reward_id', rewardIds)
      .whereIn('status', ['reserved', 'fulfilled'])
      .groupBy('reward_id')
      .select('reward_id', db.raw('count(*) as n'))
    return new Map(rows.map((r: { reward_id: number | string; n: number | string }) => [Number(r.reward_id), Number(r.n)]))
  },
  async insert(db: Queryable, r: { id: string; code: string; rewardId: number; userId: number; points: number; expiresAt: Date }) {
    const now = new Date()
    await db('redemptions').insert({
      id: r.id,
      code: r.code,
      reward_id: r.rewardId,
      user_id: r.userId,
      points: r.points,
      status: 'reserved',
      expires_at: r.expiresAt,
      created_at: now,
      updated_at: now,
    })
  },
  /**
   * Closes a reserved redemption; false when it is no longer reserved. Pickup also requires it not to have
   * expired; expiry requires that it has.
   */
  async close(db: Queryable, id: string, to: 'fulfilled' | 'cancelled' | 'expired', by: number | null, now: Date): Promise<boolean> {
    const q = db('redemptions').where({ id, status: 'reserved' })
    if (to === 'fulfilled') q.andWhere('expires_at', '>', now)
    if (to === 'expired') q.andWhere('expires_at', '<=', now)
    return (await q.update({ status: to, closed_by: by, closed_at: now, updated_at: now })) === 1
  },
  /** Reserved redemptions whose window closes within (now, until] and whose resident was not reminded yet. */
  async dueForReminder(db: Queryable, now: Date, until: Date, limit: number): Promise<string[]> {
    const rows = await db('redemptions').where({ status: 'reserved' }).whereNull('expiry_reminded_at')
      .andWhere('expires_at', '>', now).andWhere('expires_at', '<=', until).orderBy('expires_at').limit(limit).select('id')
    return rows.map((r) => r.id as string)
  },
  /** Marks the reminder sent; false when another run did. */
  async markReminded(db: Queryable, id: string, now: Date): Promise<boolean> {
    return (await db('redemptions').where({ id, status: 'reserved' }).whereNull('expiry_reminded_at').update({ expiry_reminded_at: now })) === 1
  },
  async dueForExpiry(db: Queryable, now: Date, limit: number): Promise<string[]> {
    const rows = await db('redemptions').where({ status: 'reserved' }).andWhere('expires_at', '<=', now).orderBy('expires_at').limit(limit).select('id')
    return rows.map((r) => r.id as string)
  },
}
