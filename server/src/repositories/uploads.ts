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
})
export type UploadRow = z.infer<typeof UploadRow>

export const uploadsRepo = {
  async insert(db: Queryable, row: Omit<UploadRow, 'case_id'> & { created_at: Date }) {
    await db('uploads').insert({ ...row, case_id: null })
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
    const count = await db('uploads').whereIn('id', ids).andWhere({ owner_id: ownerId }).whereNull('case_id').update({ case_id: caseId })
    return count === new Set(ids).size
  },
  /** Uploads never attached to a report, older than `before`: a photo chosen and then abandoned. */
  async unattachedBefore(db: Queryable, before: Date, limit: number) {
    return (await db('uploads').whereNull('case_id').andWhere('created_at', '<', before).orderBy('created_at').limit(limit))
      .map((r: unknown) => UploadRow.parse(r))
  },
  /** Deletes the row only while it is still unattached; false when a report took it meanwhile. */
  async deleteUnattached(db: Queryable, id: string) {
    return (await db('uploads').where({ id }).whereNull('case_id').delete()) === 1
  },
}
