import type { MetricsReport, MetricsRow } from '@anju/shared'
import type { Queryable } from '../db/knex'
import { caseRollupsRepo, type SummedFigures } from '../repositories/caseRollups'
import { idsOnPath, regionsRepo } from '../repositories/regions'
import { usersRepo } from '../repositories/users'
import { addFigures, metricsRowOf, zeroFigures, type Figures } from '../rollups'

/** How rollup rows (per grid and worker) are put together: by a region id, a grid, or a worker. */
export type FigureGrouping = { by: 'grid' } | { by: 'worker' } | { by: 'child'; ofPath: string }

/** The group a rollup row falls in; null for "not dispatched" (workers) or the region itself (children). */
function groupOf(row: SummedFigures, grouping: FigureGrouping): number | null {
  if (grouping.by === 'grid') return row.grid_id!
  if (grouping.by === 'worker') return row.assignee_id === 0 ? null : row.assignee_id!
  return idsOnPath(row.grid_path!)[idsOnPath(grouping.ofPath).length] ?? null
}

/** Sums rollup rows into groups in one pass. */
export function groupFigures(rows: SummedFigures[], grouping: FigureGrouping): Map<number | null, Figures> {
  const groups = new Map<number | null, Figures>()
  for (const row of rows) {
    const key = groupOf(row, grouping)
    const figures = groups.get(key) ?? groups.set(key, zeroFigures()).get(key)!
    addFigures(figures, row)
  }
  return groups
}

export function totalFigures(rows: SummedFigures[]): Figures {
  const total = zeroFigures()
  for (const row of rows) addFigures(total, row)
  return total
}

/** Names for the groups: region names, or the workers' display names. */
export async function namedRows(db: Queryable, groups: Map<number | null, Figures>, by: FigureGrouping['by'], emptyName: string): Promise<MetricsRow[]> {
  const ids = [...groups.keys()].filter((id): id is number => id !== null)
  const names = new Map<number, string>(
    by === 'worker'
      ? (await usersRepo.findByIds(db, ids)).map((u) => [u.id, u.display_name])
      : (await regionsRepo.findByIds(db, ids)).map((r) => [r.id, r.name]),
  )
  return [...groups.entries()]
    .map(([id, figures]) => metricsRowOf({ id, name: id === null ? emptyName : (names.get(id) ?? '') }, figures))
    .sort((a, b) => b.total - a.total || b.filed - a.filed || (a.key.id ?? 0) - (b.key.id ?? 0))
}

/**
 * Metrics over the cases that happened inside `scope`, filed between two China dates (inclusive), from the
 * daily rollups: one indexed range of rollup rows, summed in SQL per grid and worker, grouped here in one pass.
 */
export async function caseMetrics(
  db: Queryable,
  { scope, from, to, groupBy }: { scope: { path: string }; from: string; to: string; groupBy: MetricsReport['groupBy'] },
): Promise<MetricsReport> {
  const rows = await caseRollupsRepo.sum(db, { pathPrefix: scope.path, from, to, groupBy: ['grid_id', 'assignee_id'] })
  const groups = groupBy === 'region' ? groupByCommunity(rows) : groupFigures(rows, { by: groupBy })
  return {
    from, to, groupBy,
    overall: metricsRowOf({ id: null, name: '合计' }, totalFigures(rows)),
    rows: await namedRows(db, groups, groupBy === 'worker' ? 'worker' : 'grid', '未派单'),
  }
}

/** By community: the grid's parent, whatever depth the scope is at. */
function groupByCommunity(rows: SummedFigures[]) {
  const groups = new Map<number | null, Figures>()
  for (const row of rows) {
    const key = idsOnPath(row.grid_path!).at(-2) ?? row.grid_id!
    const figures = groups.get(key) ?? groups.set(key, zeroFigures()).get(key)!
    addFigures(figures, row)
  }
  return groups
}
