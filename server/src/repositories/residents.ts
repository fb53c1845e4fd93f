import { z } from 'zod'
import { RegionLevel } from '@anju/shared'
import type { Queryable } from '../db/knex'

/** Only what staff may see of a resident: never openid, unionid, password or session data. */
export const ResidentRow = z.object({
  id: z.coerce.number().int(),
  display_name: z.string(),
  region_id: z.coerce.number().int(),
  region_name: z.string(),
  region_level: RegionLevel,
  region_path: z.string(),
})
export type ResidentRow = z.infer<typeof ResidentRow>

const RESIDENT_ROLES = ['resident', 'volunteer'] as const

/** `text` as a LIKE pattern that matches it anywhere, its own % and _ taken literally (escape character !). */
function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`
}

function enabledResidents(db: Queryable) {
  return db('users as u')
    .join('regions as r', 'r.id', 'u.region_id')
    .whereIn('u.role', RESIDENT_ROLES)
    .andWhere('u.disabled', false)
    .select('u.id', 'u.display_name', 'u.region_id', 'r.name as region_name', 'r.level as region_level', 'r.path as region_path')
}

export const residentsRepo = {
  /** An enabled resident or volunteer with a community, wherever it is; the caller checks the scope. */
  async findById(db: Queryable, id: number) {
    const row = await enabledResidents(db).where('u.id', id).first()
    return row ? ResidentRow.parse(row) : undefined
  },

  /**
   * Enabled residents and volunteers whose community lies under `regionPath`, by 编号 or by a part of the
   * name (case-insensitive where the collation is), exact names first. Answers up to `limit + 1` rows, so
   * the caller can tell whether there are more.
   */
  async search(db: Queryable, q: { regionPath: string; id?: number; nameContains?: string; limit: number }) {
    const query = enabledResidents(db)
      // The scope as a set of region ids, so MySQL reads users through the region_id foreign-key index.
      .whereIn('u.region_id', db('regions').select('id').where('path', 'like', `${q.regionPath}%`))
      .limit(q.limit + 1)
    if (q.id !== undefined) query.andWhere('u.id', q.id)
    if (q.nameContains !== undefined) {
      query
        .andWhereRaw("u.display_name like ? escape '!'", [containsPattern(q.nameContains)])
        .orderByRaw('case when u.display_name = ? then 0 else 1 end', [q.nameContains])
    }
    query.orderBy('u.id')
    return (await query).map((r: unknown) => ResidentRow.parse(r))
  },
}
