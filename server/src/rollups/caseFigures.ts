import { FINAL_CASE_STATUSES, type CaseFigure, type CaseStatus, type MetricsRow } from '@anju/shared'
import type { Knex } from 'knex'
import { chinaDate } from '../lib/chinaTime'
import type { CaseRow } from '../repositories/cases'

/**
 * What one case counts for in the daily rollups, and how summed rollups become the figures people read.
 * Pure: the same functions serve the on-write update, the rebuild from raw rows and the check between them.
 */

/** Upper edges (hours) of the time-to-close histogram's buckets; the last bucket holds everything from 720 h. */
export const CLOSE_HOUR_EDGES = [1, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 168, 240, 336, 504, 720] as const
export const CLOSE_BUCKETS = CLOSE_HOUR_EDGES.length + 1

export const COUNT_COLUMNS = [
  'filed', 'rejected', 'accepted', 'accepted_on_time', 'closed', 'closed_on_time', 'fixed', 'not_fixed', 'no_action',
  'rated', 'satisfied', 'overdue', 'open',
] as const
export const HISTOGRAM_COLUMNS = Array.from({ length: CLOSE_BUCKETS }, (_, i) => `close_h${i}` as const)
export const FIGURE_COLUMNS = [...COUNT_COLUMNS, ...HISTOGRAM_COLUMNS] as const
export type FigureColumn = (typeof FIGURE_COLUMNS)[number]
export type Figures = Record<FigureColumn, number>

/** The columns of a case that its figures depend on. */
export type CaseFigureSource = Pick<
  CaseRow,
  | 'status' | 'created_at' | 'grid_id' | 'grid_path' | 'assignee_id' | 'accepted_at' | 'response_due_at' | 'resolve_due_at'
  | 'closed_at' | 'outcome' | 'rating_satisfied' | 'response_overdue' | 'resolve_overdue'
>
export const CASE_FIGURE_SOURCE_COLUMNS = [
  'status', 'created_at', 'grid_id', 'grid_path', 'assignee_id', 'accepted_at', 'response_due_at', 'resolve_due_at',
  'closed_at', 'outcome', 'rating_satisfied', 'response_overdue', 'resolve_overdue',
] as const

/** Which rollup row a case counts in: the China day it was filed, where it happened, who it is assigned to. */
export interface RollupKey {
  day: string
  gridId: number
  /** 0 when nobody is assigned. */
  assigneeId: number
  gridPath: string
}

export const zeroFigures = (): Figures => Object.fromEntries(FIGURE_COLUMNS.map((c) => [c, 0])) as Figures

export function closeBucketOf(hours: number): number {
  const index = CLOSE_HOUR_EDGES.findIndex((edge) => hours < edge)
  return index === -1 ? CLOSE_BUCKETS - 1 : index
}

export function rollupKeyOf(c: CaseFigureSource): RollupKey {
  return { day: chinaDate(c.created_at), gridId: c.grid_id, assigneeId: c.assignee_id ?? 0, gridPath: c.grid_path }
}

export const sameKey = (a: RollupKey, b: RollupKey) => a.day === b.day && a.gridId === b.gridId && a.assigneeId === b.assigneeId

/**
 * One case's contribution. A rejected case counts as filed and rejected only. "On time" compares with the
 * deadline the case carries now (a re-graded or reopened case carries its new one).
 */
export function figuresOf(c: CaseFigureSource): Figures {
  const f = zeroFigures()
  f.filed = 1
  if (c.status === 'rejected') {
    f.rejected = 1
    return f
  }
  if (c.accepted_at) {
    f.accepted = 1
    if (c.accepted_at.getTime() <= c.response_due_at.getTime()) f.accepted_on_time = 1
  }
  if (c.status === 'closed' && c.closed_at) {
    f.closed = 1
    if (c.closed_at.getTime() <= c.resolve_due_at.getTime()) f.closed_on_time = 1
    if (c.outcome === 'fixed') f.fixed = 1
    if (c.outcome === 'not_fixed') f.not_fixed = 1
    if (c.outcome === 'no_action_needed') f.no_action = 1
    const hours = (c.closed_at.getTime() - c.created_at.getTime()) / 3_600_000
    f[`close_h${closeBucketOf(hours)}` as FigureColumn] = 1
  }
  if (c.rating_satisfied !== null) {
    f.rated = 1
    if (c.rating_satisfied) f.satisfied = 1
  }
  if (c.response_overdue || c.resolve_overdue) f.overdue = 1
  if (!FINAL_CASE_STATUSES.includes(c.status)) f.open = 1
  return f
}

export function addFigures(into: Figures, more: Partial<Figures>, sign = 1): Figures {
  for (const column of FIGURE_COLUMNS) into[column] += sign * Number(more[column] ?? 0)
  return into
}

export function figuresDelta(before: Figures, after: Figures): Figures {
  return addFigures(addFigures(zeroFigures(), after), before, -1)
}

export const isZero = (f: Figures) => FIGURE_COLUMNS.every((c) => f[c] === 0)

/**
 * The median time to close, in hours, estimated from the histogram: the bucket holding the middle case, and
 * a straight line through it (cases spread evenly inside a bucket). Past the last edge it answers 720.
 */
export function medianHoursFromHistogram(buckets: number[]): number | null {
  const total = buckets.reduce((a, b) => a + b, 0)
  if (total === 0) return null
  const middle = total / 2
  let before = 0
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i]!
    if (count > 0 && before + count >= middle) {
      const low = i === 0 ? 0 : CLOSE_HOUR_EDGES[i - 1]!
      const high = CLOSE_HOUR_EDGES[i]
      if (high === undefined) return low
      return Math.round((low + ((middle - before) / count) * (high - low)) * 100) / 100
    }
    before += count
  }
  return null
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10000) / 10000)

/** Summed figures as the API shows them. */
export function metricsRowOf(key: MetricsRow['key'], f: Figures): MetricsRow {
  const handled = f.filed - f.rejected
  return {
    key,
    filed: f.filed,
    total: handled,
    rejected: f.rejected,
    accepted: f.accepted,
    acceptedOnTime: f.accepted_on_time,
    closed: f.closed,
    closedOnTime: f.closed_on_time,
    fixed: f.fixed,
    notFixed: f.not_fixed,
    noAction: f.no_action,
    open: f.open,
    overdue: f.overdue,
    rated: f.rated,
    satisfied: f.satisfied,
    completionRate: ratio(f.closed, handled),
    onTimeRate: ratio(f.closed_on_time, f.closed),
    acceptedOnTimeRate: ratio(f.accepted_on_time, f.accepted),
    satisfactionRate: ratio(f.satisfied, f.rated),
    medianHoursToClose: medianHoursFromHistogram(HISTOGRAM_COLUMNS.map((c) => f[c] ?? 0)),
  }
}

/**
 * The same rules as `figuresOf`, as conditions on the cases table: the cases a figure counts. A test holds the
 * two equal on every figure.
 */
export function whereFigure(q: Knex.QueryBuilder, figure: CaseFigure): Knex.QueryBuilder {
  // Status as an expression, not a column comparison: the caller bounds the rows by grid and time, and a status
  // index (there are several) would otherwise be preferred and read every closed case there is.
  const statusIs = (b: Knex.QueryBuilder, status: CaseStatus) => b.whereRaw('(CASE WHEN status = ? THEN 1 ELSE 0 END) = 1', [status])
  const handled = (b: Knex.QueryBuilder) => b.whereNot('status', 'rejected')
  const closed = (b: Knex.QueryBuilder) => statusIs(b, 'closed').whereNotNull('closed_at')
  switch (figure) {
    case 'filed':
      return q
    case 'total':
      return handled(q)
    case 'rejected':
      return statusIs(q, 'rejected')
    case 'accepted':
      return handled(q).whereNotNull('accepted_at')
    case 'accepted_on_time':
      return handled(q).whereNotNull('accepted_at').whereRaw('?? <= ??', ['accepted_at', 'response_due_at'])
    case 'closed':
      return closed(q)
    case 'closed_on_time':
      return closed(q).whereRaw('?? <= ??', ['closed_at', 'resolve_due_at'])
    case 'fixed':
      return closed(q).where('outcome', 'fixed')
    case 'not_fixed':
      return closed(q).where('outcome', 'not_fixed')
    case 'no_action':
      return closed(q).where('outcome', 'no_action_needed')
    case 'rated':
      return handled(q).whereNotNull('rating_satisfied')
    case 'satisfied':
      return handled(q).where('rating_satisfied', true)
    case 'overdue':
      return handled(q).where((w) => w.where('response_overdue', true).orWhere('resolve_overdue', true))
    case 'open':
      return q.whereNotIn('status', FINAL_CASE_STATUSES as CaseStatus[])
  }
}

/** `figuresOf` for a figure the API names ("total" is every case but the rejected). */
export function countsFor(f: Figures, figure: CaseFigure): number {
  return figure === 'total' ? f.filed - f.rejected : f[figure]
}
