import { z } from 'zod'
import { RegionLevel } from '@anju/shared'
import type { Queryable } from '../db/knex'
import { rowCache } from '../lib/rowCache'

export const RegionRow = z.object({
  id: z.coerce.number().int(),
  parent_id: z.coerce.number().int().nullable(),
  level: RegionLevel,
  name: z.string(),
  code: z.string(),
  path: z.string(),
})
export type RegionRow = z.infer<typeof RegionRow>

/** The ids on a materialised path, root first: "/1/4/9/" → [1, 4, 9]. */
export function idsOnPath(path: string): number[] {
  return path.split('/').filter(Boolean).map(Number)
}

const parseAll = (rows: unknown[]) => rows.map((r) => RegionRow.parse(r))

/** Regions as pages show them: a region's row does not change once its path is set, so this only saves reads. */
// A region still being inserted has no path yet: it is answered, not kept.
const shown = rowCache<number, RegionRow>({ ttlMs: 10 * 60_000, keyOf: (r) => r.id, keep: (r) => r.path !== '' })

export const regionsRepo = {
  async findById(db: Queryable, id: number) {
    const row = await db('regions').where({ id }).first()
    return row ? RegionRow.parse(row) : undefined
  },
  async findByCode(db: Queryable, code: string) {
    const row = await db('regions').where({ code }).first()
    return row ? RegionRow.parse(row) : undefined
  },
  async findByIds(db: Queryable, ids: number[]) {
    if (ids.length === 0) return []
    return parseAll(await db('regions').whereIn('id', ids))
  },
  /** For presenting: findByIds through a short-lived cache (see rowCache). */
  shownByIds(db: Queryable, ids: number[]) {
    if (ids.length === 0) return Promise.resolve([])
    return shown.get(db, ids, (missing) => regionsRepo.findByIds(db, missing))
  },
  async listRoots(db: Queryable) {
    return parseAll(await db('regions').whereNull('parent_id').orderBy('path'))
  },
  async listAll(db: Queryable) {
    return parseAll(await db('regions').orderBy('path'))
  },
  /** The region and everything under it. */
  async listSubtree(db: Queryable, root: { path: string }) {
    return parseAll(await db('regions').where('path', 'like', `${root.path}%`).orderBy('path'))
  },
  /** Inserts a region under `parent` (or as a root) and fills in its path. */
  async insert(
    db: Queryable,
    region: { parent: RegionRow | null; level: RegionLevel; name: string; code: string },
  ): Promise<RegionRow> {
    const [id] = await db('regions').insert({
      parent_id: region.parent?.id ?? null,
      level: region.level,
      name: region.name,
      code: region.code,
      path: '',
      created_at: new Date(),
    })
    const path = `${region.parent?.path ?? '/'}${Number(id)}/`
    await db('regions').where({ id }).update({ path })
    return { id: Number(id), parent_id: region.parent?.id ?? null, level: region.level, name: region.name, code: region.code, path }
  },
}
