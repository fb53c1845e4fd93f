import { dbClientOf, type Queryable } from '../db/knex'
import { CASE_FIGURE_SOURCE_COLUMNS, FIGURE_COLUMNS, type FigureColumn, type Figures, type RollupKey } from '../rollups/caseFigures'
import { CaseRow } from './cases'
import { pathRange } from './rows'

const TABLE = 'case_daily_rollups'
const CATEGORY_TABLE = 'case_category_daily'
const INSERT_CHUNK = 200

/** What a grouped sum answers: the group's columns and every figure summed. */
export type SummedFigures = Figures & { day?: string; grid_id?: number; assignee_id?: number; grid_path?: string }

export type FigureGroup = 'day' | 'grid_id' | 'assignee_id'

const pickMask = Object.fromEntries(CASE_FIGURE_SOURCE_COLUMNS.map((c) => [c, true])) as Record<(typeof CASE_FIGURE_SOURCE_COLUMNS)[number], true>
const FigureSourceRow = CaseRow.pick({ id: true, category_code: true, ...pickMask })

const keyColumns = (k: RollupKey) => ({ day: k.day, grid_id: k.gridId, assignee_id: k.assigneeId, grid_path: k.gridPath })

/** SQL for the rollup tables: adding a delta, replacing a day, and sums over a subtree and a date range. */
export const caseRollupsRepo = {
  /** Adds `delta` to the row of `key` (created at `delta` when missing). */
  async add(db: Queryable, key: RollupKey, delta: Figures) {
    const changed = FIGURE_COLUMNS.filter((c) => delta[c] !== 0)
    if (changed.length === 0) return
    const increments = Object.fromEntries(changed.map((c) => [c, db.raw('?? + ?', [`${TABLE}.${c}`, delta[c] ?? 0])]))
    await db(TABLE).insert({ ...keyColumns(key), ...delta }).onConflict(['day', 'grid_id', 'assignee_id']).merge(increments)
  },

  async addFiling(db: Queryable, key: RollupKey, categoryCode: string) {
    await db(CATEGORY_TABLE)
      .insert({ day: key.day, grid_id: key.gridId, category_code: categoryCode, grid_path: key.gridPath, filed: 1 })
      .onConflict(['day', 'grid_id', 'category_code'])
      .merge({ filed: db.raw('?? + 1', [`${CATEGORY_TABLE}.filed`]) })
  },

  /** Locks a day's rollup rows until the transaction ends (MySQL; SQLite has one writer anyway). */
  async lockDay(db: Queryable, day: string) {
    if (dbClientOf(db) !== 'mysql') return
    await db(TABLE).where({ day }).forUpdate().select('grid_id')
    await db(CATEGORY_TABLE).where({ day }).forUpdate().select('grid_id')
  },

  /** The columns the figures need, for the cases filed in [from, to); locked on MySQL when `lock`. */
  async casesFiledBetween(db: Queryable, from: Date, to: Date, { lock = false } = {}) {
    const q = db('cases').where('created_at', '>=', from).andWhere('created_at', '<', to)
      .select('id', 'category_code', ...CASE_FIGURE_SOURCE_COLUMNS)
    if (lock && dbClientOf(db) === 'mysql') q.forUpdate()
    return (await q).map((r: unknown) => FigureSourceRow.parse(r))
  },

  /** Replaces one day's rows with `rows`. */
  async replaceDay(
    db: Queryable,
    day: string,
    rows: { key: RollupKey; figures: Figures }[],
    filings: { key: RollupKey; categoryCode: string; filed: number }[],
  ) {
    await db(TABLE).where({ day }).delete()
    await db(CATEGORY_TABLE).where({ day }).delete()
    const rollupRows = rows.map((r) => ({ ...keyColumns(r.key), ...r.figures }))
    for (let i = 0; i < rollupRows.length; i += INSERT_CHUNK) await db(TABLE).insert(rollupRows.slice(i, i + INSERT_CHUNK))
    const filingRows = filings.map((f) => ({ day, grid_id: f.key.gridId, category_code: f.categoryCode, grid_path: f.key.gridPath, filed: f.filed }))
    for (let i = 0; i < filingRows.length; i += INSERT_CHUNK) await db(CATEGORY_TABLE).insert(filingRows.slice(i, i + INSERT_CHUNK))
  },

  async rowsOfDay(db: Queryable, day: string) {
    return (await db(TABLE).where({ day })).map(numeric)
  },
  async filingsOfDay(db: Queryable, day: string) {
    return (await db(CATEGORY_TABLE).where({ day })).map((r: Record<string, unknown>) => ({
      grid_id: Number(r.grid_id), category_code: String(r.category_code), filed: Number(r.filed),
    }))
  },

  /** Figures summed over the grids under `pathPrefix` filed between two China dates (inclusive), per group. */
  async sum(db: Queryable, { pathPrefix, from, to, groupBy }: { pathPrefix: string; from: string; to: string; groupBy: FigureGroup[] }) {
    const group = groupBy.includes('grid_id') ? [...groupBy, 'grid_path'] : groupBy
    const sums = FIGURE_COLUMNS.map((c) => db.raw('SUM(??) as ??', [c, c]))
    const q = db(TABLE)
      .where('day', '>=', from).andWhere('day', '<=', to)
      .andWhere('grid_path', '>=', pathRange(pathPrefix)[0]).andWhere('grid_path', '<', pathRange(pathPrefix)[1])
      .select(...group, ...sums)
    if (group.length) q.groupBy(group)
    const rows = await q
    return rows.map(numeric) as SummedFigures[]
  },

  /** Filings per category summed over a subtree and a date range. */
  async filingsByCategory(db: Queryable, { pathPrefix, from, to }: { pathPrefix: string; from: string; to: string }) {
    const rows = await db(CATEGORY_TABLE)
      .where('day', '>=', from).andWhere('day', '<=', to)
      .andWhere('grid_path', '>=', pathRange(pathPrefix)[0]).andWhere('grid_path', '<', pathRange(pathPrefix)[1])
      .select('category_code', db.raw('SUM(filed) as filed'))
      .groupBy('category_code')
    return rows.map((r: Record<string, unknown>) => ({ categoryCode: String(r.category_code), filed: Number(r.filed) }))
  },

  async firstFilingTime(db: Queryable): Promise<Date | null> {
    const row = await db('cases').min({ first: 'created_at' }).first()
    return row?.first ? new Date(row.first as string | number | Date) : null
  },

  async state(db: Queryable, name: string): Promise<string | null> {
    const row = await db('rollup_state').where({ name }).first()
    return row ? String(row.value) : null
  },
  async setState(db: Queryable, name: string, value: string) {
    await db('rollup_state').insert({ name, value, updated_at: new Date() }).onConflict('name').merge(['value', 'updated_at'])
  },
}

/** Sums come back as strings from MySQL and numbers from SQLite. */
function numeric(row: Record<string, unknown>): SummedFigures {
  const out: Record<string, unknown> = { ...row }
  for (const c of FIGURE_COLUMNS) out[c] = Number(row[c] ?? 0)
  for (const c of ['grid_id', 'assignee_id']) if (row[c] !== undefined) out[c] = Number(row[c])
  return out as SummedFigures
}

export type { FigureColumn }
