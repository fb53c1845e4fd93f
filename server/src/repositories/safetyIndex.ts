import { SafetyIndexResult, SafetyIndicator } from '@anju/shared'
import { z } from 'zod'
import type { Queryable } from '../db/knex'
import { jsonArray, time } from './rows'

const IndicatorRow = z.object({
  code: z.string(), name: z.string(), parent_code: z.string().nullable(), weight: z.coerce.number(), direction: z.string(),
  source: z.string(), category_codes: jsonArray(z.string()), target: z.coerce.number(), limit_value: z.coerce.number(),
  explanation: z.string(),
})

/** What a publication keeps: enough to compute the month again. */
export const PublicationDetail = z.object({
  indicators: z.array(SafetyIndicator),
  raws: z.record(z.string(), z.number().nullable()),
  gridCount: z.number().int(),
  result: SafetyIndexResult,
})
export type PublicationDetail = z.infer<typeof PublicationDetail>

const PublicationRow = z.object({
  region_id: z.coerce.number().int(), month: z.string(), score: z.coerce.number(),
  detail: z.string().transform((s) => PublicationDetail.parse(JSON.parse(s))), published_by: z.coerce.number().int(), published_at: time,
})
export type PublicationRow = z.infer<typeof PublicationRow>

export const safetyIndexRepo = {
  async indicators(db: Queryable): Promise<SafetyIndicator[]> {
    const rows = await db('safety_indicators').orderBy('sort_order').orderBy('code')
    return rows.map((r: unknown) => {
      const row = IndicatorRow.parse(r)
      return SafetyIndicator.parse({
        code: row.code, name: row.name, parentCode: row.parent_code, weight: row.weight, direction: row.direction,
        source: row.source === '' ? null : row.source, categoryCodes: row.category_codes, target: row.target, limit: row.limit_value,
        explanation: row.explanation,
      })
    })
  },
  async replaceIndicators(db: Queryable, items: SafetyIndicator[]) {
    await db('safety_indicators').delete()
    await db('safety_indicators').insert(items.map((i, n) => ({
      code: i.code, name: i.name, parent_code: i.parentCode, weight: i.weight, direction: i.direction, source: i.source ?? '',
      category_codes: JSON.stringify(i.categoryCodes), target: i.target, limit_value: i.limit, explanation: i.explanation,
      sort_order: (n + 1) * 10, updated_at: new Date(),
    })))
  },
  async countIndicators(db: Queryable) {
    return Number((await db('safety_indicators').count({ n: '*' }).first())?.n ?? 0)
  },

  async inputs(db: Queryable, regionId: number, month: string) {
    const rows = await db('safety_index_inputs').where({ region_id: regionId, month })
    return new Map(rows.map((r: { indicator_code: string; value: unknown }) => [r.indicator_code, Number(r.value)]))
  },
  async saveInput(db: Queryable, f: { regionId: number; month: string; code: string; value: number; userId: number }) {
    await db('safety_index_inputs')
      .insert({ region_id: f.regionId, month: f.month, indicator_code: f.code, value: f.value, entered_by: f.userId, entered_at: new Date() })
      .onConflict(['region_id', 'month', 'indicator_code'])
      .merge(['value', 'entered_by', 'entered_at'])
  },

  async publication(db: Queryable, regionId: number, month: string) {
    const row = await db('safety_index_publications').where({ region_id: regionId, month }).first()
    return row ? PublicationRow.parse(row) : undefined
  },
  async publish(db: Queryable, f: { regionId: number; month: string; score: number; detail: PublicationDetail; userId: number }) {
    await db('safety_index_publications')
      .insert({ region_id: f.regionId, month: f.month, score: f.score, detail: JSON.stringify(f.detail), published_by: f.userId, published_at: new Date() })
      .onConflict(['region_id', 'month'])
      .merge(['score', 'detail', 'published_by', 'published_at'])
  },
  /** Published months of a region, newest first. */
  async trend(db: Queryable, regionId: number, limit: number) {
    const rows = await db('safety_index_publications').where({ region_id: regionId }).orderBy('month', 'desc').limit(limit).select('month', 'score')
    return rows.map((r: { month: string; score: unknown }) => ({ month: r.month, score: Number(r.score) }))
  },
  /** The newest publication among these regions, nearest first in `regionIds` order. */
  async latestAmong(db: Queryable, regionIds: number[]) {
    for (const id of regionIds) {
      const row = await db('safety_index_publications').where({ region_id: id }).orderBy('month', 'desc').first()
      if (row) return PublicationRow.parse(row)
    }
    return undefined
  },
  /** Published scores of these regions for a month (rankings). */
  async scoresFor(db: Queryable, regionIds: number[], month: string) {
    if (regionIds.length === 0) return new Map<number, number>()
    const rows = await db('safety_index_publications').whereIn('region_id', regionIds).andWhere({ month }).select('region_id', 'score')
    return new Map(rows.map((r: { region_id: unknown; score: unknown }) => [Number(r.region_id), Number(r.score)]))
  },
}
