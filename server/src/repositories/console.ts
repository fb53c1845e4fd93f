import { AWAITING_RESPONSE_STATUSES, CASE_STATUSES, FINAL_CASE_STATUSES, type CaseColour, type CaseFigure, type DeadlineState } from '@anju/shared'
import type { Knex } from 'knex'
import type { Queryable } from '../db/knex'
import { whereFigure } from '../rollups/caseFigures'
import { CaseRow } from './cases'
import { olderThan, pathRange, time } from './rows'

const AWAITING = AWAITING_RESPONSE_STATUSES.map((s) => `'${s}'`).join(', ')
/** The deadline that applies to an open case now: the response deadline until it is answered, then the resolve one. */
const DEADLINE = `CASE WHEN status IN (${AWAITING}) THEN response_due_at ELSE resolve_due_at END`
const OVERDUE = `(response_overdue = 1 OR resolve_overdue = 1 OR ${DEADLINE} < ?)`

const parseCases = (rows: unknown[]) => rows.map((r) => CaseRow.parse(r))

const OPEN_STATUSES = CASE_STATUSES.filter((s) => !FINAL_CASE_STATUSES.includes(s))

/** Open cases handled under a region: one index range per open status on (status, region_path). */
function openInScope(db: Queryable, regionPath: string) {
  const [from, to] = pathRange(regionPath)
  return db('cases').whereIn('status', OPEN_STATUSES).andWhere('region_path', '>=', from).andWhere('region_path', '<', to)
}

function whereState(q: Knex.QueryBuilder, state: DeadlineState, now: Date, soon: Date) {
  if (state === 'overdue') return q.whereRaw(OVERDUE, [now])
  if (state === 'due_soon') return q.whereRaw(`NOT ${OVERDUE}`, [now]).whereRaw(`${DEADLINE} < ?`, [soon])
  return q.whereRaw(`NOT ${OVERDUE}`, [now]).whereRaw(`${DEADLINE} >= ?`, [soon])
}

/** SQL behind the console's lists and boards; the figures themselves come from the rollups. */
export const consoleRepo = {
  /**
   * Cases that happened under `gridPathPrefix`, filed in [from, to), that count for `figure`: newest first,
   * keyset-paged by (created_at, id); `limit + 1` rows so the caller knows whether more follow. The region's grids
   * are looked up first, so the cases are read by (grid_id, created_at) ranges: the period of those grids only,
   * whatever the figure (a figure's status condition alone would pick an index over every closed case).
   */
  async casesBehindFigure(
    db: Queryable,
    f: {
      gridPathPrefix: string; from: Date; to: Date; figure: CaseFigure; gridId?: number; assigneeId?: number
      before?: { createdAt: Date; id: number }; limit: number
    },
  ) {
    const [low, high] = pathRange(f.gridPathPrefix)
    const grids = (await db('regions').where('path', '>=', low).andWhere('path', '<', high).andWhere('level', 'grid').select('id'))
      .map((r: { id: unknown }) => Number(r.id))
      .filter((id: number) => !f.gridId || id === f.gridId)
    if (grids.length === 0) return []
    const q = db('cases').whereIn('grid_id', grids).andWhere('created_at', '>=', f.from).andWhere('created_at', '<', f.to)
    if (f.assigneeId !== undefined) {
      if (f.assigneeId === 0) q.whereNull('assignee_id')
      else q.andWhere('assignee_id', f.assigneeId)
    }
    whereFigure(q, f.figure)
    if (f.before) olderThan(q, { at: f.before.createdAt, id: f.before.id })
    return parseCases(await q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(f.limit + 1))
  },

  /** Open cases handled under `regionPath`, counted by colour and deadline state. */
  async boardCounts(db: Queryable, regionPath: string, now: Date, soon: Date) {
    const rows = await openInScope(db, regionPath)
      .select('colour')
      .select(db.raw(`SUM(CASE WHEN ${OVERDUE} THEN 1 ELSE 0 END) as overdue`, [now]))
      .select(db.raw(`SUM(CASE WHEN NOT ${OVERDUE} AND ${DEADLINE} < ? THEN 1 ELSE 0 END) as due_soon`, [now, soon]))
      .select(db.raw('COUNT(*) as total'))
      .groupBy('colour')
    return rows.map((r: Record<string, unknown>) => ({
      colour: String(r.colour) as CaseColour, overdue: Number(r.overdue), dueSoon: Number(r.due_soon), total: Number(r.total),
    }))
  },

  /** Open cases handled under `regionPath`, nearest deadline first, keyset-paged by (deadline, id). */
  async boardPage(
    db: Queryable,
    f: { regionPath: string; colour?: CaseColour; state?: DeadlineState; now: Date; soon: Date; after?: { deadline: Date; id: number }; limit: number },
  ) {
    const q = openInScope(db, f.regionPath).select('*', db.raw(`${DEADLINE} as deadline`))
    if (f.colour) q.andWhere('colour', f.colour)
    if (f.state) whereState(q, f.state, f.now, f.soon)
    if (f.after) {
      q.andWhere((w) => w.whereRaw(`${DEADLINE} > ?`, [f.after!.deadline])
        .orWhere((x) => x.whereRaw(`${DEADLINE} = ?`, [f.after!.deadline]).andWhere('id', '>', f.after!.id)))
    }
    const rows = await q.orderByRaw(`${DEADLINE} asc, id asc`).limit(f.limit + 1)
    return rows.map((r: Record<string, unknown>) => ({ row: CaseRow.parse(r), deadline: time.parse(r.deadline) }))
  },

  /** Grids under a region, with their area when one is set. */
  async gridsUnder(db: Queryable, path: string) {
    const rows = await db('regions')
      .leftJoin('grid_areas', 'grid_areas.region_id', 'regions.id')
      .where('regions.path', '>=', pathRange(path)[0]).andWhere('regions.path', '<', pathRange(path)[1]).andWhere('regions.level', 'grid')
      .select('regions.id', 'regions.name', 'regions.path', 'regions.parent_id', 'grid_areas.polygon')
      .orderBy('regions.path')
    return rows.map((r: Record<string, unknown>) => ({
      id: Number(r.id), name: String(r.name), path: String(r.path), parentId: r.parent_id === null ? null : Number(r.parent_id),
      polygon: r.polygon ? (JSON.parse(String(r.polygon)) as [number, number][]) : null,
    }))
  },

  /**
   * Net postings of the issuing, redemption and expiry accounts of these regions between two instants, per
   * account kind (amounts as posted: issuing accounts go negative as they issue).
   */
  async pointsPostings(db: Queryable, regionIds: number[], from: Date, to: Date) {
    if (regionIds.length === 0) return []
    const accounts = (await db('ledger_accounts').whereIn('region_id', regionIds).whereIn('kind', ['issuer', 'redemption', 'expiry']).select('id'))
      .map((r: { id: number }) => Number(r.id))
    if (accounts.length === 0) return []
    const q = db('ledger_postings')
      .join('ledger_accounts', 'ledger_accounts.id', 'ledger_postings.account_id')
      .whereIn('ledger_postings.account_id', accounts)
      .andWhere('ledger_postings.created_at', '>=', from).andWhere('ledger_postings.created_at', '<', to)
      .select('ledger_accounts.kind', db.raw('SUM(ledger_postings.amount) as amount'))
      .groupBy('ledger_accounts.kind')
    return (await q).map((r: Record<string, unknown>) => ({ kind: String(r.kind), amount: Number(r.amount) }))
  },

  /** Balances now of the issuing, redemption and expiry accounts of these regions, per account kind. */
  async pointsBalances(db: Queryable, regionIds: number[]) {
    if (regionIds.length === 0) return []
    const rows = await db('ledger_accounts').whereIn('region_id', regionIds).whereIn('kind', ['issuer', 'redemption', 'expiry'])
      .select('kind', db.raw('SUM(balance) as amount')).groupBy('kind')
    return rows.map((r: Record<string, unknown>) => ({ kind: String(r.kind), amount: Number(r.amount) }))
  },

  /** Patrols of the teams of these regions started in [from, to): counts by judgement and valid seconds. */
  async patrolTotals(db: Queryable, regionIds: number[], from: Date, to: Date) {
    if (regionIds.length === 0) return []
    const teams = (await db('patrol_teams').whereIn('region_id', regionIds).select('id')).map((r: { id: number }) => Number(r.id))
    if (teams.length === 0) return []
    const rows = await db('patrols')
      .whereIn('team_id', teams)
      .andWhere('started_at', '>=', from).andWhere('started_at', '<', to)
      .select('valid', db.raw('COUNT(*) as n'), db.raw('SUM(COALESCE(duration_s, 0)) as seconds'))
      .groupBy('valid')
    return rows.map((r: Record<string, unknown>) => ({
      valid: r.valid === null ? null : Boolean(Number(r.valid)), count: Number(r.n), seconds: Number(r.seconds ?? 0),
    }))
  },
}
