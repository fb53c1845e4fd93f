import { REGION_LEVELS, type Heatmap, type Overview, type Rankings, type RegionLevel } from '@anju/shared'
import type { Queryable } from '../db/knex'
import { geodesicAreaKm2 } from '../lib/geo'
import { addChinaDays, addMonths, chinaDateStart, monthDates } from '../lib/chinaTime'
import { caseRollupsRepo } from '../repositories/caseRollups'
import { categoriesRepo } from '../repositories/categories'
import { consoleRepo } from '../repositories/console'
import { presentRegionRef } from '../presenters'
import { idsOnPath, regionsRepo, type RegionRow } from '../repositories/regions'
import { safetyIndexRepo } from '../repositories/safetyIndex'
import { addFigures, metricsRowOf, zeroFigures, type Figures } from '../rollups'
import { groupFigures, namedRows, totalFigures } from './caseMetrics'

const childLevelOf = (level: RegionLevel): RegionLevel | null => REGION_LEVELS[REGION_LEVELS.indexOf(level) + 1] ?? null

/** Points issued, redeemed and expired in the period by the region's accounts, and what is left out at its end. */
async function pointsFigures(db: Queryable, regionIds: number[], from: Date, to: Date, now: Date) {
  const byKind = (rows: { kind: string; amount: number }[]) => (kind: string) => rows.find((r) => r.kind === kind)?.amount ?? 0
  const inPeriod = byKind(await consoleRepo.pointsPostings(db, regionIds, from, to))
  // Balances now, less what was posted after the period: the accounts as they stood at its end.
  const balances = byKind(await consoleRepo.pointsBalances(db, regionIds))
  const after = to < now ? byKind(await consoleRepo.pointsPostings(db, regionIds, to, now)) : () => 0
  const atEnd = (kind: string) => balances(kind) - after(kind)
  return {
    issued: -inPeriod('issuer'),
    redeemed: inPeriod('redemption'),
    expired: inPeriod('expiry'),
    outstanding: -(atEnd('issuer') + atEnd('redemption') + atEnd('expiry')),
  }
}

async function patrolFigures(db: Queryable, regionIds: number[], from: Date, to: Date) {
  const rows = await consoleRepo.patrolTotals(db, regionIds, from, to)
  const count = (valid: boolean | null) => rows.find((r) => r.valid === valid)?.count ?? 0
  const seconds = rows.find((r) => r.valid === true)?.seconds ?? 0
  return { valid: count(true), invalid: count(false), pending: count(null), volunteerHours: Math.round((seconds / 3600) * 10) / 10 }
}

/**
 * The overview of a region for a period of China dates: case figures from the rollups (overall, per day, per
 * child region, grid and worker, per category), points from the region's ledger accounts, patrols of its teams.
 */
export async function consoleOverview(db: Queryable, region: RegionRow, from: string, to: string, now = new Date()): Promise<Overview> {
  const scope = { pathPrefix: region.path, from, to }
  const rows = await caseRollupsRepo.sum(db, { ...scope, groupBy: ['grid_id', 'assignee_id'] })
  const daily = await caseRollupsRepo.sum(db, { ...scope, groupBy: ['day'] })
  const filings = await caseRollupsRepo.filingsByCategory(db, scope)
  const categories = new Map((await categoriesRepo.findByCodes(db, filings.map((f) => f.categoryCode))).map((c) => [c.code, c.name]))
  const childLevel = childLevelOf(region.level)
  const regionIds = (await regionsRepo.listSubtree(db, region)).map((r) => r.id)
  const start = chinaDateStart(from)
  const end = chinaDateStart(addChinaDays(to, 1))
  return {
    region: presentRegionRef(region), from, to,
    cases: metricsRowOf({ id: region.id, name: region.name }, totalFigures(rows)),
    childLevel,
    children: childLevel ? await namedRows(db, groupFigures(rows, { by: 'child', ofPath: region.path }), 'child', region.name) : [],
    grids: await namedRows(db, groupFigures(rows, { by: 'grid' }), 'grid', ''),
    workers: await namedRows(db, groupFigures(rows, { by: 'worker' }), 'worker', '未派单'),
    daily: daily
      .map((d) => ({ day: d.day!, filed: d.filed, closed: d.closed, overdue: d.overdue }))
      .sort((a, b) => a.day.localeCompare(b.day)),
    categories: filings
      .map((f) => ({ code: f.categoryCode, name: categories.get(f.categoryCode) ?? f.categoryCode, filed: f.filed }))
      .sort((a, b) => b.filed - a.filed),
    points: await pointsFigures(db, regionIds, start, end, now),
    patrols: await patrolFigures(db, regionIds, start, end),
  }
}

/** Monday-to-Sunday weeks covering [from, to], the first and last cut to the period. */
export function weeksOf(from: string, to: string): { from: string; to: string }[] {
  const weeks: { from: string; to: string }[] = []
  let start = from
  while (start <= to) {
    const weekday = (new Date(`${start}T00:00:00Z`).getUTCDay() + 6) % 7 // Monday 0
    const sunday = addChinaDays(start, 6 - weekday)
    const end = sunday < to ? sunday : to
    weeks.push({ from: start, to: end })
    start = addChinaDays(end, 1)
  }
  return weeks
}

/** Cases filed and gone overdue per grid and week of the period, with each grid's polygon and area. */
export async function consoleHeatmap(db: Queryable, region: RegionRow, from: string, to: string): Promise<Heatmap> {
  const weeks = weeksOf(from, to)
  const weekOf = (day: string) => weeks.findIndex((w) => day >= w.from && day <= w.to)
  const grids = await consoleRepo.gridsUnder(db, region.path)
  const communities = new Map((await regionsRepo.findByIds(db, grids.flatMap((g) => (g.parentId ? [g.parentId] : [])))).map((r) => [r.id, r.name]))
  const cells = new Map(grids.map((g) => [g.id, { filed: weeks.map(() => 0), overdue: weeks.map(() => 0) }]))
  for (const row of await caseRollupsRepo.sum(db, { pathPrefix: region.path, from, to, groupBy: ['day', 'grid_id'] })) {
    const cell = cells.get(row.grid_id!)
    const week = weekOf(row.day!)
    if (!cell || week < 0) continue
    cell.filed[week]! += row.filed
    cell.overdue[week]! += row.overdue
  }
  return {
    region: presentRegionRef(region), from, to, weeks,
    grids: grids.map((g) => ({
      id: g.id, name: g.name, community: g.parentId ? (communities.get(g.parentId) ?? '') : '',
      polygon: g.polygon, areaKm2: g.polygon ? Math.round(geodesicAreaKm2(g.polygon) * 1000) / 1000 : null,
      ...cells.get(g.id)!,
    })),
  }
}

/** Communities or grids under a region by their month's rates and published index, beside the month before. */
export async function consoleRankings(db: Queryable, region: RegionRow, month: string, level: 'community' | 'grid'): Promise<Rankings> {
  const previous = addMonths(month, -1)
  const units = (await regionsRepo.listSubtree(db, region)).filter((r) => r.level === level)
  const parents = new Map((await regionsRepo.findByIds(db, units.flatMap((u) => (u.parent_id ? [u.parent_id] : [])))).map((r) => [r.id, r.name]))
  const unitOf = (gridPath: string) => {
    const ids = idsOnPath(gridPath)
    return level === 'grid' ? ids.at(-1)! : ids.at(-2)!
  }
  async function figuresFor(m: string) {
    const { from, to } = monthDates(m)
    const rows = await caseRollupsRepo.sum(db, { pathPrefix: region.path, from, to, groupBy: ['grid_id'] })
    const byUnit = new Map<number, Figures>()
    for (const row of rows) {
      const key = unitOf(row.grid_path!)
      addFigures(byUnit.get(key) ?? byUnit.set(key, zeroFigures()).get(key)!, row)
    }
    const scores = await safetyIndexRepo.scoresFor(db, units.map((u) => u.id), m)
    return (id: number) => {
      const r = metricsRowOf({ id, name: '' }, byUnit.get(id) ?? zeroFigures())
      return { total: r.total, completionRate: r.completionRate, onTimeRate: r.onTimeRate, satisfactionRate: r.satisfactionRate, safetyIndex: scores.get(id) ?? null }
    }
  }
  const now = await figuresFor(month)
  const before = await figuresFor(previous)
  return {
    region: presentRegionRef(region), month, previousMonth: previous, level,
    items: units.map((u) => ({ id: u.id, name: u.name, parent: u.parent_id ? (parents.get(u.parent_id) ?? '') : '', current: now(u.id), previous: before(u.id) })),
  }
}
