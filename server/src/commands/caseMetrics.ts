import type { MetricsReport, MetricsRow } from '@anju/shared'
import type { Queryable } from '../db/knex'
import { caseMetricsRepo, type CaseMetricsRow } from '../repositories/cases'
import { idsOnPath, regionsRepo } from '../repositories/regions'
import { usersRepo } from '../repositories/users'

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

/** Midnight of a China date, as a UTC instant. */
function chinaMidnight(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d) - CHINA_OFFSET_MS)
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10000) / 10000)

/**
 * The numbers that matter for one group of cases. Rejected cases are counted but left out of the
 * completion rate; "closed, not fixed" is closed but never "fixed".
 */
export function summarise(key: MetricsRow['key'], cases: CaseMetricsRow[]): MetricsRow {
  const rejected = cases.filter((c) => c.status === 'rejected').length
  const handled = cases.filter((c) => c.status !== 'rejected')
  const closed = handled.filter((c) => c.status === 'closed')
  const rated = handled.filter((c) => c.rating_satisfied !== null)
  const onTime = closed.filter((c) => c.closed_at && c.closed_at.getTime() <= c.resolve_due_at.getTime())
  const hours = closed.filter((c) => c.closed_at).map((c) => (c.closed_at!.getTime() - c.created_at.getTime()) / 3_600_000)
  const med = median(hours)
  return {
    key,
    total: handled.length,
    closed: closed.length,
    fixed: closed.filter((c) => c.outcome === 'fixed' || c.outcome === 'no_action_needed').length,
    notFixed: closed.filter((c) => c.outcome === 'not_fixed').length,
    rejected,
    completionRate: ratio(closed.length, handled.length),
    onTimeRate: ratio(onTime.length, closed.length),
    satisfactionRate: ratio(rated.filter((c) => c.rating_satisfied).length, rated.length),
    medianHoursToClose: med === null ? null : Math.round(med * 100) / 100,
  }
}

/** Metrics over the cases that happened inside `scope`, filed between two China dates (inclusive). */
export async function caseMetrics(
  db: Queryable,
  { scope, from, to, groupBy }: { scope: { path: string }; from: string; to: string; groupBy: MetricsReport['groupBy'] },
): Promise<MetricsReport> {
  const cases = await caseMetricsRepo.filedBetween(db, scope.path, chinaMidnight(from), new Date(chinaMidnight(to).getTime() + DAY_MS))
  const groups = new Map<number | null, CaseMetricsRow[]>()
  const regionIds = new Set<number>()
  for (const c of cases) {
    let key: number | null
    if (groupBy === 'grid') key = c.grid_id
    else if (groupBy === 'worker') key = c.assignee_id
    else key = idsOnPath(c.grid_path).at(-2) ?? c.grid_id // the grid's community
    if (groupBy !== 'worker' && key !== null) regionIds.add(key)
    groups.set(key, [...(groups.get(key) ?? []), c])
  }
  const names = new Map<number, string>()
  if (groupBy === 'worker') {
    for (const id of groups.keys()) if (id !== null) names.set(id, (await usersRepo.findById(db, id))?.display_name ?? '')
  } else {
    for (const r of await regionsRepo.findByIds(db, [...regionIds])) names.set(r.id, r.name)
  }
  const rows = [...groups.entries()]
    .map(([id, list]) => summarise({ id, name: id === null ? '未派单' : (names.get(id) ?? '') }, list))
    .sort((a, b) => b.total - a.total || (a.key.id ?? 0) - (b.key.id ?? 0))
  return { from, to, groupBy, overall: summarise({ id: null, name: '合计' }, cases), rows }
}
