import type { Db, Queryable } from '../db/knex'
import { withTransaction } from '../db/transaction'
import { addChinaDays, chinaDate, chinaDateStart, chinaDatesBetween } from '../lib/chinaTime'
import { caseRollupsRepo } from '../repositories/caseRollups'
import type { CaseRow } from '../repositories/cases'
import {
  FIGURE_COLUMNS, addFigures, figuresDelta, figuresOf, isZero, rollupKeyOf, sameKey, zeroFigures, type CaseFigureSource,
  type Figures, type RollupKey,
} from './caseFigures'

export * from './caseFigures'

/**
 * Keeps the daily case rollups in step with one case write, in the writer's transaction: what the case
 * counted for before is taken back and what it counts for now is added (`before` is null for a new case).
 * Every command that changes a case calls this once with the row before and after.
 */
export async function recordCaseFigures(trx: Queryable, before: CaseFigureSource | null, after: CaseRow): Promise<void> {
  const next = { key: rollupKeyOf(after), figures: figuresOf(after) }
  if (!before) {
    await caseRollupsRepo.add(trx, next.key, next.figures)
    await caseRollupsRepo.addFiling(trx, next.key, after.category_code)
    return
  }
  const previous = { key: rollupKeyOf(before), figures: figuresOf(before) }
  if (sameKey(previous.key, next.key)) {
    const delta = figuresDelta(previous.figures, next.figures)
    if (!isZero(delta)) await caseRollupsRepo.add(trx, next.key, delta)
    return
  }
  await caseRollupsRepo.add(trx, previous.key, figuresDelta(previous.figures, zeroFigures()))
  await caseRollupsRepo.add(trx, next.key, next.figures)
}

const keyString = (k: { day: string; gridId: number; assigneeId: number }) => `${k.day}|${k.gridId}|${k.assigneeId}`

/** A day's rollups computed from the raw cases. */
function aggregateDay(cases: (CaseFigureSource & { category_code: string })[]) {
  const rows = new Map<string, { key: RollupKey; figures: Figures }>()
  const filings = new Map<string, { key: RollupKey; categoryCode: string; filed: number }>()
  for (const c of cases) {
    const key = rollupKeyOf(c)
    const row = rows.get(keyString(key)) ?? rows.set(keyString(key), { key, figures: zeroFigures() }).get(keyString(key))!
    addFigures(row.figures, figuresOf(c))
    const filingKey = `${key.gridId}|${c.category_code}`
    const filing = filings.get(filingKey) ?? filings.set(filingKey, { key, categoryCode: c.category_code, filed: 0 }).get(filingKey)!
    filing.filed += 1
  }
  return { rows: [...rows.values()], filings: [...filings.values()] }
}

/**
 * Rebuilds one China day's rollups from the cases filed that day. The day's rollup rows and its cases are
 * locked first (MySQL), so a case write racing the rebuild either lands before it is read or adds its delta
 * after the rebuilt rows are in.
 */
export async function rebuildCaseFiguresDay(db: Db, day: string): Promise<number> {
  return withTransaction(db, async (trx) => {
    await caseRollupsRepo.lockDay(trx, day)
    const cases = await caseRollupsRepo.casesFiledBetween(trx, chinaDateStart(day), chinaDateStart(addChinaDays(day, 1)), { lock: true })
    const { rows, filings } = aggregateDay(cases)
    await caseRollupsRepo.replaceDay(trx, day, rows, filings)
    return cases.length
  })
}

const BACKFILL_STATE = 'case_figures_backfilled'

/**
 * Fills the rollups from every case already stored, once per database (a deployment that adds them), a day
 * at a time. Returns the days rebuilt; 0 when it had been done.
 */
export async function backfillCaseFigures(db: Db, now = new Date(), log?: (message: string) => void): Promise<number> {
  if (await caseRollupsRepo.state(db, BACKFILL_STATE)) return 0
  const first = await caseRollupsRepo.firstFilingTime(db)
  const days = first ? chinaDatesBetween(chinaDate(first), chinaDate(now)) : []
  for (const [i, day] of days.entries()) {
    await rebuildCaseFiguresDay(db, day)
    if (log && (i + 1) % 30 === 0) log(`case rollups: ${i + 1}/${days.length} days rebuilt`)
  }
  await caseRollupsRepo.setState(db, BACKFILL_STATE, chinaDate(now))
  return days.length
}

/** Rebuilds every day in a range (both ends included): `npm run rollups:rebuild`. */
export async function rebuildCaseFigures(db: Db, from: string, to: string): Promise<{ days: number; cases: number }> {
  let cases = 0
  const days = chinaDatesBetween(from, to)
  for (const day of days) cases += await rebuildCaseFiguresDay(db, day)
  return { days: days.length, cases }
}

export interface RollupDifference {
  day: string
  table: 'case_daily_rollups' | 'case_category_daily'
  key: string
  column: string
  stored: number
  actual: number
}

/** Compares the stored rollups of each day in a range with what the raw cases give; an empty list when in step. */
export async function verifyCaseFigures(db: Queryable, from: string, to: string): Promise<RollupDifference[]> {
  const differences: RollupDifference[] = []
  for (const day of chinaDatesBetween(from, to)) {
    const cases = await caseRollupsRepo.casesFiledBetween(db, chinaDateStart(day), chinaDateStart(addChinaDays(day, 1)))
    const { rows, filings } = aggregateDay(cases)
    const stored = new Map((await caseRollupsRepo.rowsOfDay(db, day)).map((r) => [`${day}|${r.grid_id}|${r.assignee_id}`, r]))
    const actual = new Map(rows.map((r) => [keyString(r.key), r.figures]))
    for (const key of new Set([...stored.keys(), ...actual.keys()])) {
      for (const column of FIGURE_COLUMNS) {
        const s = stored.get(key)?.[column] ?? 0
        const a = actual.get(key)?.[column] ?? 0
        if (s !== a) differences.push({ day, table: 'case_daily_rollups', key, column, stored: s, actual: a })
      }
    }
    const storedFilings = new Map((await caseRollupsRepo.filingsOfDay(db, day)).map((f) => [`${f.grid_id}|${f.category_code}`, f.filed]))
    const actualFilings = new Map(filings.map((f) => [`${f.key.gridId}|${f.categoryCode}`, f.filed]))
    for (const key of new Set([...storedFilings.keys(), ...actualFilings.keys()])) {
      const s = storedFilings.get(key) ?? 0
      const a = actualFilings.get(key) ?? 0
      if (s !== a) differences.push({ day, table: 'case_category_daily', key, column: 'filed', stored: s, actual: a })
    }
  }
  return differences
}
