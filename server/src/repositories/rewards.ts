import { z } from 'zod'
import { RewardStatus } from '@anju/shared'
import type { Queryable } from '../db/knex'

const time = z.union([z.date(), z.number(), z.string()])

export const RewardRow = z.object({
  id: z.coerce.number().int(),
  region_id: z.coerce.number().int(),
  title: z.string(),
  description: z.string(),
  image_upload_id: z.string().nullable(),
  points_cost: z.coerce.number().int(),
  stock_total: z.coerce.number().int(),
  stock_remaining: z.coerce.number().int(),
  per_resident_limit: z.coerce.number().int(),
  valid_from: time,
  valid_until: time,
  pickup_place: z.string(),
  pickup_instructions: z.string(),
  status: RewardStatus,
  created_by: z.coerce.number().int().nullable(),
})
export type RewardRow = z.infer<typeof RewardRow>

export interface RewardFields {
  regionId: number
  title: string
  description: string
  imageUploadId: string | null
  pointsCost: number
  perResidentLimit: number
  validFrom: Date
  validUntil: Date
  pickupPlace: string
  pickupInstructions: string
}

function columns(f: RewardFields) {
  return {
    region_id: f.regionId,
    title: f.title,
    description: f.description,
    image_upload_id: f.imageUploadId,
    points_cost: f.pointsCost,
    per_resident_limit: f.perResidentLimit,
    valid_from: f.validFrom,
    valid_until: f.validUntil,
    pickup_place: f.pickupPlace,
    pickup_instructions: f.pickupInstructions,
  }
}

export const rewardsRepo = {
  async findById(db: Queryable, id: number) {
    const row = await db('rewards').where({ id }).first()
    return row ? RewardRow.parse(row) : undefined
  },
  /** Locks the reward row for the rest of the transaction, so two changes of one reward are made one after the other. */
  async lock(db: Queryable, id: number) {
    const row = await db('rewards').where({ id }).forUpdate().first()
    return row ? RewardRow.parse(row) : undefined
  },
  async findByIds(db: Queryable, ids: number[]) {
    if (ids.length === 0) return []
    return (await db('rewards').whereIn('id', ids)).map((r) => RewardRow.parse(r))
  },
  async listActiveIn(db: Queryable, regionIds: number[]) {
    if (regionIds.length === 0) return []
    const rows = await db('rewards').whereIn('region_id', regionIds).andWhere({ status: 'active' }).orderBy([{ column: 'valid_from', order: 'desc' }, { column: 'id', order: 'desc' }])
    return rows.map((r) => RewardRow.parse(r))
  },
  async listInSubtree(db: Queryable, regionPath: string) {
    const rows = await db('rewards as w')
      .join('regions as r', 'r.id', 'w.region_id')
      .where('r.path', 'like', `${regionPath}%`)
      .orderBy([{ column: 'w.status' }, { column: 'w.id', order: 'desc' }])
      .select('w.*')
    return rows.map((r) => RewardRow.parse(r))
  },
  async insert(db: Queryable, f: RewardFields & { stock: number; createdBy: number }): Promise<number> {
    const now = new Date()
    const [id] = await db('rewards').insert({
      ...columns(f),
      stock_total: f.stock,
      stock_remaining: f.stock,
      status: 'active',
      created_by: f.createdBy,
      created_at: now,
      updated_at: now,
    })
    return Number(id)
  },
  /**
   * Updates a reward; a new total stock moves what remains by the difference, and is refused (false) when
   * more have already been taken than the new total allows.
   */
  async update(db: Queryable, id: number, f: RewardFields & { stock: number }): Promise<boolean> {
    const updated = await db('rewards')
      .where({ id })
      .andWhereRaw('stock_remaining + (? - stock_total) >= 0', [f.stock])
      .update({
        ...columns(f),
        stock_remaining: db.raw('stock_remaining + (? - stock_total)', [f.stock]),
        stock_total: f.stock,
        updated_at: new Date(),
      })
    return updated === 1
  },
  async archive(db: Queryable, id: number) {
    await db('rewards').where({ id }).update({ status: 'archived', updated_at: new Date() })
  },
  /** Takes one from stock; false when none is left. The row stays locked until commit, so call it last. */
  async takeOne(db: Queryable, id: number): Promise<boolean> {
    return (await db('rewards').where({ id }).andWhere('stock_remaining', '>', 0).update({ stock_remaining: db.raw('stock_remaining - 1') })) === 1
  },
  async putBackOne(db: Queryable, id: number) {
    await db('rewards').where({ id }).update({ stock_remaining: db.raw('stock_remaining + 1') })
  },
  /** The regions each reward is handed over in (none listed: its own region), by reward id. */
  async pickupRegionIds(db: Queryable, rewardIds: number[]): Promise<Map<number, number[]>> {
    const found = new Map<number, number[]>()
    if (rewardIds.length === 0) return found
    const rows = await db('reward_pickup_regions').whereIn('reward_id', rewardIds).orderBy(['reward_id', 'region_id'])
    for (const row of rows) {
      const rewardId = Number(row.reward_id)
      found.set(rewardId, [...(found.get(rewardId) ?? []), Number(row.region_id)])
    }
    return found
  },
  async setPickupRegions(db: Queryable, rewardId: number, regionIds: number[]) {
    await db('reward_pickup_regions').where({ reward_id: rewardId }).delete()
    if (regionIds.length) await db('reward_pickup_regions').insert(regionIds.map((region_id) => ({ reward_id: rewardId, region_id })))
  },
}
