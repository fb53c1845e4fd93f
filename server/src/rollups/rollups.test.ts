import { CASE_FIGURES, SubmitReportInput, type CaseActionInput } from '@anju/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { caseMetrics } from '../commands/caseMetrics'
import { regradeCase } from '../commands/regradeCase'
import { submitReport } from '../commands/submitReport'
import { transitionCase } from '../commands/transitionCase'
import { withTransaction } from '../db/transaction'
import { superviseOverdueCases } from '../jobs/superviseOverdueCases'
import { chinaDate } from '../lib/chinaTime'
import type { Actor } from '../policies'
import { CaseRow } from '../repositories/cases'
import { consoleRepo } from '../repositories/console'
import { reportBody } from '../testing/cases'
import { testDatabaseKinds } from '../testing/databases'
import { startTestServer, type TestServer } from '../testing/server'
import { backfillCaseFigures, countsFor, figuresOf, metricsRowOf, rebuildCaseFigures, verifyCaseFigures, zeroFigures, addFigures } from './index'

const HOUR = 3_600_000
const DAY = 24 * HOUR

describe('figures of one case, by hand', () => {
  const base = {
    created_at: new Date('2026-11-20T02:00:00Z'), grid_id: 9, grid_path: '/1/2/3/4/9/', assignee_id: 7,
    response_due_at: new Date('2026-11-20T06:00:00Z'), resolve_due_at: new Date('2026-11-22T02:00:00Z'),
    response_overdue: false, resolve_overdue: false, rating_satisfied: null, outcome: null, accepted_at: null, closed_at: null,
  } as const

  it('counts a closed, fixed, on-time, satisfied case in every column it belongs to, and its close time bucket', () => {
    const f = figuresOf({
      ...base, status: 'closed', accepted_at: new Date('2026-11-20T03:00:00Z'), closed_at: new Date('2026-11-21T07:00:00Z'),
      outcome: 'fixed', rating_satisfied: true,
    })
    // 29 hours to close: the bucket [24, 36) is the 7th (index 6).
    expect(f).toMatchObject({ filed: 1, accepted: 1, accepted_on_time: 1, closed: 1, closed_on_time: 1, fixed: 1, rated: 1, satisfied: 1, open: 0, close_h6: 1 })
    expect(Object.values(f).reduce((a, b) => a + b, 0)).toBe(9)
  })

  it('counts a rejected case as filed and rejected only, and a late open one as overdue', () => {
    expect(figuresOf({ ...base, status: 'rejected', closed_at: new Date('2026-11-20T04:00:00Z') })).toEqual({ ...zeroFigures(), filed: 1, rejected: 1 })
    expect(figuresOf({ ...base, status: 'in_progress', accepted_at: new Date('2026-11-20T09:00:00Z'), resolve_overdue: true }))
      .toEqual({ ...zeroFigures(), filed: 1, accepted: 1, overdue: 1, open: 1 })
  })

  it('turns summed figures into the rates people read', () => {
    // 10 filed: 1 rejected; 6 closed (4 on time; 3 fixed, 2 not fixed, 1 no action); 4 rated, 3 satisfied.
    const f = addFigures(zeroFigures(), {
      filed: 10, rejected: 1, accepted: 8, accepted_on_time: 6, closed: 6, closed_on_time: 4, fixed: 3, not_fixed: 2, no_action: 1,
      rated: 4, satisfied: 3, overdue: 2, open: 3, close_h2: 2, close_h5: 3, close_h9: 1,
    })
    expect(metricsRowOf({ id: null, name: '合计' }, f)).toEqual({
      key: { id: null, name: '合计' }, filed: 10, total: 9, rejected: 1, accepted: 8, acceptedOnTime: 6, closed: 6, closedOnTime: 4,
      fixed: 3, notFixed: 2, noAction: 1, open: 3, overdue: 2, rated: 4, satisfied: 3,
      completionRate: 0.6667, onTimeRate: 0.6667, acceptedOnTimeRate: 0.75, satisfactionRate: 0.75,
      // Middle of 6 is the 3rd: one into the three of [12, 24) → 12 + (1/3)·12 = 16 h.
      medianHoursToClose: 16,
    })
  })
})

describe.each(testDatabaseKinds())('rollups kept on write on %s', (kind) => {
  let s: TestServer
  let staff: Actor
  let grid: Actor
  let centre: Actor
  const residents: Actor[] = []
  const now = new Date()

  const limits = { reportsPerHour: 100, reportsPerDay: 100, uploadMaxBytes: 1, uploadStore: { kind: 'local', dir: '' } } as never
  const actorOf = (userId: number) => s.make.actor(userId)
  const file = (who: Actor, at: Date, overrides: Record<string, unknown> = {}) =>
    withTransaction(s.database.db, async (trx) =>
      (await submitReport({ trx, actor: who, input: SubmitReportInput.parse(reportBody({ occurredAt: new Date(at.getTime() - 60_000).toISOString(), ...overrides })), limits, now: at })).caseId)
  const move = (who: Actor, caseId: number, input: CaseActionInput, at: Date) =>
    withTransaction(s.database.db, (trx) => transitionCase({ trx, actor: who, caseId, input: input as never, now: at }))

  beforeAll(async () => {
    s = await startTestServer(kind)
    staff = await actorOf(await s.make.userId('staff'))
    grid = await actorOf(await s.make.userId('grid'))
    centre = await actorOf(await s.make.userId('centre'))
    for (let i = 0; i < 3; i++) residents.push(await actorOf((await s.make.resident()).id))

    // Five days back: one case through the whole loop, closed satisfied; one rejected.
    const d5 = new Date(now.getTime() - 5 * DAY)
    const a = await file(residents[0]!, d5)
    await move(staff, a, { action: 'accept' }, new Date(d5.getTime() + HOUR))
    await move(staff, a, { action: 'dispatch', assigneeId: grid.id }, new Date(d5.getTime() + 2 * HOUR))
    await move(grid, a, { action: 'start' }, new Date(d5.getTime() + 3 * HOUR))
    await move(grid, a, { action: 'resolve', outcome: 'fixed', note: '已处理', photoIds: [] }, new Date(d5.getTime() + 5 * HOUR))
    await move(staff, a, { action: 'verify' }, new Date(d5.getTime() + 6 * HOUR))
    await move(residents[0]!, a, { action: 'rate', satisfied: true }, new Date(d5.getTime() + 7 * HOUR))
    await move(staff, await file(residents[1]!, d5, { text: '小区门口有人长期占用消防通道' }), { action: 'reject', reason: '重复反映' }, new Date(d5.getTime() + HOUR))

    // Three days back: reopened after a dissatisfied rating, then escalated by a second one and closed by the centre.
    const d3 = new Date(now.getTime() - 3 * DAY)
    const b = await file(residents[1]!, d3)
    await move(staff, b, { action: 'accept' }, new Date(d3.getTime() + HOUR))
    await move(staff, b, { action: 'dispatch', assigneeId: grid.id }, new Date(d3.getTime() + HOUR))
    await move(grid, b, { action: 'start' }, new Date(d3.getTime() + HOUR))
    await move(grid, b, { action: 'resolve', outcome: 'fixed', note: '已处理', photoIds: [] }, new Date(d3.getTime() + 2 * HOUR))
    await move(staff, b, { action: 'verify' }, new Date(d3.getTime() + 2 * HOUR))
    await move(residents[1]!, b, { action: 'rate', satisfied: false }, new Date(d3.getTime() + 3 * HOUR))
    await move(staff, b, { action: 'dispatch', assigneeId: grid.id }, new Date(d3.getTime() + 3 * HOUR))
    await move(grid, b, { action: 'start' }, new Date(d3.getTime() + 3 * HOUR))
    await move(grid, b, { action: 'resolve', outcome: 'no_action_needed', note: '经核实无需处置', photoIds: [] }, new Date(d3.getTime() + 4 * HOUR))
    await move(staff, b, { action: 'verify' }, new Date(d3.getTime() + 4 * HOUR))
    await move(residents[1]!, b, { action: 'rate', satisfied: false }, new Date(d3.getTime() + 5 * HOUR))
    await move(centre, b, { action: 'close', note: '复核后如实办结', outcome: 'not_fixed' }, new Date(d3.getTime() + 30 * HOUR))

    // Today: one re-graded red and left to go overdue (the supervision job marks it); one dispatched elsewhere.
    const c = await file(residents[2]!, new Date(now.getTime() - 10 * HOUR), { categoryCode: 'sanitation', text: '垃圾桶满了没人清运' })
    await withTransaction(s.database.db, (trx) => regradeCase({ trx, actor: staff, caseId: c, input: { colour: 'red', reason: '影响多户居民' }, now: new Date(now.getTime() - 9 * HOUR) }))
    await superviseOverdueCases({ db: s.database.db }, now, { ids: [c] })
    const d = await file(residents[0]!, new Date(now.getTime() - HOUR), { text: '路灯不亮好几天了' })
    await move(staff, d, { action: 'accept' }, new Date(now.getTime() - HOUR / 2))
    await move(staff, d, { action: 'escalate', reason: '需要街道协调' }, new Date(now.getTime() - HOUR / 4))
  })
  afterAll(async () => {
    await s?.close()
  })

  const range = () => ({ from: chinaDate(new Date(now.getTime() - 6 * DAY)), to: chinaDate(now) })

  it('matches the raw cases after every kind of write', async () => {
    const { from, to } = range()
    expect(await verifyCaseFigures(s.database.db, from, to)).toEqual([])
  })

  it('answers the metrics from the rollups', async () => {
    const { from, to } = range()
    const report = await caseMetrics(s.database.db, { scope: { path: '/' }, from, to, groupBy: 'worker' })
    expect(report.overall).toMatchObject({
      filed: 5, rejected: 1, total: 4, closed: 2, fixed: 1, notFixed: 1, noAction: 0, rated: 2, satisfied: 1, open: 2, overdue: 1,
    })
    // The case the centre closed had left its grid worker when the second dissatisfaction escalated it.
    expect(report.rows.find((r) => r.key.id === grid.id)).toMatchObject({ key: { name: '网格员 张伟' }, closed: 1, fixed: 1 })
    expect(report.rows.find((r) => r.key.id === null)).toMatchObject({ key: { name: '未派单' }, closed: 1, notFixed: 1 })
  })

  it('lists for each figure exactly the cases the figure counts', async () => {
    const rows = (await s.database.db('cases')).map((r: unknown) => CaseRow.parse(r))
    for (const figure of CASE_FIGURES) {
      const listed = await consoleRepo.casesBehindFigure(s.database.db, {
        gridPathPrefix: '/', from: new Date(now.getTime() - 7 * DAY), to: new Date(now.getTime() + DAY), figure, limit: 100,
      })
      const expected = rows.filter((c) => countsFor(figuresOf(c), figure) === 1).map((c) => c.id).sort()
      expect(listed.map((c) => c.id).sort(), figure).toEqual(expected)
      if (!['filed', 'total', 'no_action'].includes(figure)) expect(expected.length, figure).toBeLessThan(rows.length)
    }
  })

  it('finds a tampered row, and a rebuild puts it right', async () => {
    const { from, to } = range()
    const day = chinaDate(new Date(now.getTime() - 5 * DAY))
    await s.database.db('case_daily_rollups').where({ day }).increment('closed', 1)
    await s.database.db('case_category_daily').where({ day }).delete()
    const found = await verifyCaseFigures(s.database.db, from, to)
    expect(found.some((d) => d.day === day && d.column === 'closed' && d.stored === d.actual + 1)).toBe(true)
    expect(found.some((d) => d.table === 'case_category_daily')).toBe(true)
    expect(await rebuildCaseFigures(s.database.db, from, to)).toMatchObject({ days: 7, cases: 5 })
    expect(await verifyCaseFigures(s.database.db, from, to)).toEqual([])
  })

  it('backfills a database whose cases came before the rollups, once', async () => {
    const { from, to } = range()
    await s.database.db('case_daily_rollups').delete()
    await s.database.db('case_category_daily').delete()
    await s.database.db('rollup_state').delete()
    expect(await backfillCaseFigures(s.database.db, now)).toBeGreaterThanOrEqual(6)
    expect(await verifyCaseFigures(s.database.db, from, to)).toEqual([])
    expect(await backfillCaseFigures(s.database.db, now)).toBe(0)
  })
})
