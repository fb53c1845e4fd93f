import { z } from 'zod'
import type { Queryable } from '../db/knex'

export const UploadRow = z.object({
  id: z.string(),
  owner_id: z.coerce.number().int(),
  content_type: z.string(),
  size: z.coerce.number().int(),
  width: z.coerce.number().int(),
  height: z.coerce.number().int(),
  public_key: z.string(),
  original_key: z.string(),
  case_id: z.coerce.number().int().nullable(),
  reward_id: z.coerce.number().int().nullable(),
  /** Set once the original (with EXIF) was deleted: by the retention job, or when its owner closed their account. */
  original_purged_at: z.union([z.date(), z.number(), z.string()]).nullable().default(null),
})
export type UploadRow = z.infer<typeof UploadRow>

export const uploadsRepo = {
  async insert(db: Queryable, row: Omit<UploadRow, 'case_id' | 'reward_id' | 'original_purged_at'> & { created_at: Date }) {
    await db('uploads').insert({ ...row, case_id: null, reward_id: null })
  },
  async findById(db: Queryable, id: string) {
    const row = await db('uploads').where({ id }).first()
    return row ? UploadRow.parse(row) : undefined
  },
  /**
   * Ties the owner's unused uploads to a case. Returns false (and changes nothing the caller keeps) unless
   * every id was the owner's and unused.
   */
  async attach(db: Queryable, ids: string[], ownerId: number, caseId: number): Promise<boolean> {
    if (ids.length === 0) return true
    const count = await db('uploads').whereIn('id', ids).andWhere({ owner_id: ownerId }).whereNull('case_id').whereNull('reward_id')
      .update({ case_id: caseId })
    return count === new Set(ids).size
  },
  /** Makes the owner's unused upload a reward's picture; false (nothing changed) unless it was the owner's and unused. */
  async attachToReward(db: Queryable, id: string, ownerId: number, rewardId: number): Promise<boolean> {
    const count = await db('uploads').where({ id, owner_id: ownerId }).whereNull('case_id').whereNull('reward_id')
      .update({ reward_id: rewardId })
    return count === 1
  },
  /** A reward's former picture goes back to unattached, so the sweep removes it. */
  async detachFromReward(db: Queryable, id: string, rewardId: number) {
    await db('uploads').where({ id, reward_id: rewardId }).update({ reward_id: null })
  },
  /** Uploads attached to neither a report nor a reward, older than `before`: a photo chosen and then abandoned. */
  async unattachedBefore(db: Queryable, before: Date, limit: number) {
    return (await db('uploads').whereNull('case_id').whereNull('reward_id').andWhere('created_at', '<', before).orderBy('created_at').limit(limit))
      .map((r: unknown) => UploadRow.parse(r))
  },
  /** Uploads created before `before` whose original (with EXIF) is still kept, oldest first. */
  async originalsBefore(db: Queryable, before: Date, limit: number) {
    return (await db('uploads').whereNull('original_purged_at').andWhere('created_at', '<', before).orderBy('created_at').limit(limit))
      .map((r: unknown) => UploadRow.parse(r))
  },
  async markOriginalPurged(db: Queryable, ids: string[], now: Date) {
    if (ids.length) await db('uploads').whereIn('id', ids).whereNull('original_purged_at').update({ original_purged_at: now })
  },
  /** Deletes the row only while it is still unattached; false when a report or a reward took it meanwhile. */
  async deleteUnattached(db: Queryable, id: string) {
    return (await db('uploads').where({ id }).whereNull('case_id').whereNull('reward_id').delete()) === 1
  },
}
