import { z } from 'zod'
import { CaseColour, RegionLevel, ReportKind, RequiredField } from '@anju/shared'
import type { Queryable } from '../db/knex'
import { rowCache } from '../lib/rowCache'
import { flag, jsonArray } from './rows'

export const CategoryRow = z.object({
  code: z.string(),
  kind: ReportKind,
  name: z.string(),
  colour: CaseColour,
  response_sla_hours: z.coerce.number().int(),
  resolve_sla_hours: z.coerce.number().int(),
  routing_level: RegionLevel,
  required_fields: jsonArray(RequiredField),
  confidential: flag,
  active: flag,
})
export type CategoryRow = z.infer<typeof CategoryRow>

/** Categories as pages show them: an administrator's edit reaches other API nodes within 30 s. */
const shown = rowCache<string, CategoryRow>({ ttlMs: 30_000, keyOf: (c) => c.code })

export const categoriesRepo = {
  async list(db: Queryable, kind?: ReportKind) {
    const q = db('case_categories').where({ active: true }).orderBy('sort_order')
    if (kind) q.andWhere({ kind })
    return (await q).map((r: unknown) => CategoryRow.parse(r))
  },
  /** Every category, offered or not, for administrators. */
  async listAll(db: Queryable) {
    return (await db('case_categories').orderBy('sort_order')).map((r: unknown) => CategoryRow.parse(r))
  },
  async findByCode(db: Queryable, code: string) {
    const row = await db('case_categories').where({ code }).first()
    return row ? CategoryRow.parse(row) : undefined
  },
  /** `columns` as categoryColumns() builds them (required_fields as an array). */
  async insert(db: Queryable, columns: Record<string, unknown>, sortOrder: number) {
    shown.forget(db, String(columns.code))
    await db('case_categories').insert({
      ...columns, required_fields: JSON.stringify(columns.required_fields ?? []), sort_order: sortOrder, updated_at: new Date(),
    })
  },
  async update(db: Queryable, code: string, columns: Record<string, unknown>) {
    const row: Record<string, unknown> = { ...columns, updated_at: new Date() }
    if (columns.required_fields) row.required_fields = JSON.stringify(columns.required_fields)
    shown.forget(db, code)
    return (await db('case_categories').where({ code }).update(row)) === 1
  },
  async maxSortOrder(db: Queryable): Promise<number> {
    const row = await db('case_categories').max({ m: 'sort_order' }).first()
    return Number(row?.m ?? 0)
  },
  async findByCodes(db: Queryable, codes: string[]) {
    if (codes.length === 0) return []
    return (await db('case_categories').whereIn('code', codes)).map((r: unknown) => CategoryRow.parse(r))
  },
  /** For presenting: findByCodes through a short-lived cache (see rowCache); rules and routing read findByCode(s). */
  shownByCodes(db: Queryable, codes: string[]) {
    return shown.get(db, codes, (missing) => categoriesRepo.findByCodes(db, missing))
  },
}
