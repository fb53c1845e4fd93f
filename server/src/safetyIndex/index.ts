import type { SafetyIndicator } from '@anju/shared'
import type { Queryable } from '../db/knex'
import { errors } from '../errors'
import { chinaMonthKey, monthDates } from '../lib/chinaTime'
import type { Actor } from '../policies'
import { caseRollupsRepo } from '../repositories/caseRollups'
import { consoleRepo } from '../repositories/console'
import { presentRegionRef } from '../presenters'
import { idsOnPath, regionsRepo, type RegionRow } from '../repositories/regions'
import { safetyIndexRepo, type PublicationDetail, type PublicationRow } from '../repositories/safetyIndex'
import { usersRepo } from '../repositories/users'
import { totalFigures } from '../commands/caseMetrics'
import { metricsRowOf } from '../rollups'
import { computeSafetyIndex } from './compute'
import { DEFAULT_SAFETY_INDICATORS } from './defaults'

export { computeSafetyIndex, scoreOf } from './compute'
export { DEFAULT_SAFETY_INDICATORS } from './defaults'

const TREND_MONTHS = 12

/** The default indicators, once, on a database that has none (an administrator's changes are kept). */
export async function seedSafetyIndicators(db: Queryable): Promise<void> {
  if ((await safetyIndexRepo.countIndicators(db)) === 0) await safetyIndexRepo.replaceIndicators(db, DEFAULT_SAFETY_INDICATORS)
}

async function gridCountOf(db: Queryable, region: RegionRow) {
  return region.level === 'grid' ? 1 : (await consoleRepo.gridsUnder(db, region.path)).length
}

/** Each secondary indicator's raw value for a region and month: from the rollups, or as the centre entered it. */
async function rawValues(db: Queryable, region: RegionRow, month: string, indicators: SafetyIndicator[]) {
  const { from, to } = monthDates(month)
  const scope = { pathPrefix: region.path, from, to }
  const filings = await caseRollupsRepo.filingsByCategory(db, scope)
  const figures = metricsRowOf({ id: region.id, name: region.name }, totalFigures(await caseRollupsRepo.sum(db, { ...scope, groupBy: [] })))
  const entered = await safetyIndexRepo.inputs(db, region.id, month)
  const raws: Record<string, number | null> = {}
  for (const i of indicators) {
    if (i.parentCode === null) continue
    if (i.source === 'cases') raws[i.code] = filings.filter((f) => i.categoryCodes.includes(f.categoryCode)).reduce((s, f) => s + f.filed, 0)
    else if (i.source === 'satisfaction') raws[i.code] = figures.satisfactionRate
    else if (i.source === 'completion') raws[i.code] = figures.completionRate
    else raws[i.code] = entered.get(i.code) ?? null
  }
  return { raws, entered }
}

const monthEnded = (month: string, now: Date) => month < chinaMonthKey(now)

/** A region's month in the console: the index as it would be published now, the inputs, what is missing. */
export async function previewSafetyIndex(db: Queryable, region: RegionRow, month: string, now = new Date()) {
  const indicators = await safetyIndexRepo.indicators(db)
  const gridCount = await gridCountOf(db, region)
  const { raws, entered } = await rawValues(db, region, month, indicators)
  const manual = indicators.filter((i) => i.source === 'manual')
  const published = await safetyIndexRepo.publication(db, region.id, month)
  const publisher = published ? await usersRepo.findById(db, published.published_by) : undefined
  return {
    region: presentRegionRef(region), month, gridCount, monthEnded: monthEnded(month, now),
    manual: manual.map((i) => ({ code: i.code, name: i.name, value: entered.get(i.code) ?? null, explanation: i.explanation })),
    missing: manual.filter((i) => !entered.has(i.code)).map((i) => i.name),
    result: computeSafetyIndex(indicators, raws, gridCount),
    published: published ? { score: published.score, publishedAt: published.published_at.toISOString(), publishedBy: publisher?.display_name ?? '' } : null,
    trend: (await safetyIndexRepo.trend(db, region.id, TREND_MONTHS)).reverse(),
  }
}

/** Stores the figures the centre enters for a month (only indicators whose source is a monthly entry). */
export async function enterSafetyInputs(
  db: Queryable, actor: Actor, region: RegionRow, month: string, values: { code: string; value: number }[],
) {
  const manual = new Set((await safetyIndexRepo.indicators(db)).filter((i) => i.source === 'manual').map((i) => i.code))
  values.forEach((v, n) => {
    if (!manual.has(v.code)) throw errors.invalidField(`values.${n}.code`, '该指标由系统计算，不需要录入')
  })
  for (const v of values) await safetyIndexRepo.saveInput(db, { regionId: region.id, month, code: v.code, value: v.value, userId: actor.id })
}

function presentPublication(region: RegionRow, row: PublicationRow) {
  return { region: presentRegionRef(region), month: row.month, score: row.score, publishedAt: row.published_at.toISOString(), result: row.detail.result }
}

/**
 * Publishes a region's index for a month that has ended, with every input entered. What it was computed from
 * (the indicators then, each raw value, the grid count) is stored with it, so it can be recomputed. Publishing
 * a month again replaces it (a corrected figure).
 */
export async function publishSafetyIndex(db: Queryable, actor: Actor, region: RegionRow, month: string, now = new Date()) {
  if (!monthEnded(month, now)) throw errors.safetyIndexMonthOpen()
  const indicators = await safetyIndexRepo.indicators(db)
  const { raws } = await rawValues(db, region, month, indicators)
  const missing = indicators.filter((i) => i.source === 'manual' && raws[i.code] === null).map((i) => i.name)
  if (missing.length) throw errors.safetyIndexInputMissing(missing)
  const gridCount = await gridCountOf(db, region)
  const result = computeSafetyIndex(indicators, raws, gridCount)
  const detail: PublicationDetail = { indicators, raws, gridCount, result }
  await safetyIndexRepo.publish(db, { regionId: region.id, month, score: result.score ?? 0, detail, userId: actor.id })
  return presentPublication(region, (await safetyIndexRepo.publication(db, region.id, month))!)
}

/** Recomputes a publication from what was stored with it: the same result, or the stored one was altered. */
export function recompute(detail: PublicationDetail) {
  return computeSafetyIndex(detail.indicators, detail.raws, detail.gridCount)
}

/**
 * What residents read: the latest published month of `regionId` (by default their own community), or of the
 * nearest region above it that has one, with that region's trend.
 */
export async function publicSafetyIndex(db: Queryable, regionId: number | null) {
  const region = regionId ? await regionsRepo.findById(db, regionId) : (await regionsRepo.listRoots(db))[0]
  if (!region) return { region: null, latest: null, trend: [] }
  const chain = idsOnPath(region.path).reverse()
  const latest = await safetyIndexRepo.latestAmong(db, chain)
  if (!latest) return { region: presentRegionRef(region), latest: null, trend: [] }
  const owner = (await regionsRepo.findById(db, latest.region_id))!
  return {
    region: presentRegionRef(owner),
    latest: presentPublication(owner, latest),
    trend: (await safetyIndexRepo.trend(db, owner.id, TREND_MONTHS)).reverse(),
  }
}
