import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { medianHoursFromHistogram } from '../../rollups'
import { act, fileReport } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

const chinaToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)

describe.each(testDatabaseKinds())('case metrics on %s', (kind) => {
  let s: TestServer
  let staff: string

  beforeAll(async () => {
    s = await startTestServer(kind)
    staff = await s.http.staffToken('staff')
    const grid = await s.http.staffToken('grid')
    const gridId = (await s.database.db('users').where({ username: 'grid' }).first()).id
    const file = async () => (await fileReport(s, await s.http.residentToken())).body.case.id as number
    const handle = async (id: number, outcome: string) => {
      await act(s, staff, id, { action: 'accept' })
      await act(s, staff, id, { action: 'dispatch', assigneeId: gridId })
      await act(s, grid, id, { action: 'start' })
      await act(s, grid, id, { action: 'resolve', outcome, note: '处置情况说明' })
      await act(s, staff, id, { action: 'verify' })
    }
    // Fixed, on time, rated satisfied.
    const fixed = await file()
    await handle(fixed, 'fixed')
    const rater = (await s.database.db('cases').where({ id: fixed }).first()).reporter_id
    const raterHandle = (await s.database.db('users').where({ id: rater }).first()).openid.slice(4)
    const raterToken = (await s.http.post('/api/auth/dev', { handle: raterHandle })).body.accessToken
    expect((await act(s, raterToken, fixed, { action: 'rate', satisfied: true })).body.status).toBe('closed')
    // Closed but not fixed, and late.
    const notFixed = await file()
    await handle(notFixed, 'not_fixed')
    await s.database.db('cases').where({ id: notFixed }).update({ resolve_due_at: new Date(Date.now() - 60_000) })
    expect((await act(s, staff, notFixed, { action: 'close', note: '经协调无法解决，如实办结' })).body.status).toBe('closed')
    // Rejected, and one still open.
    await act(s, staff, await file(), { action: 'reject', reason: '不属于受理范围' })
    await file()
  })
  afterAll(async () => {
    await s?.close()
  })

  it('counts completion, on-time, satisfaction and honest outcomes per grid', async () => {
    const res = await s.http.get(`/api/staff/metrics?from=${chinaToday()}&to=${chinaToday()}&groupBy=grid`, { token: staff })
    expect(res.status).toBe(200)
    expect(res.body.overall).toMatchObject({
      total: 3, closed: 2, fixed: 1, notFixed: 1, rejected: 1,
      completionRate: 0.6667, onTimeRate: 0.5, satisfactionRate: 1,
    })
    expect(res.body.overall.medianHoursToClose).toBeGreaterThanOrEqual(0)
    expect(res.body.rows).toEqual([expect.objectContaining({ key: expect.objectContaining({ name: '幸福里第一网格' }), total: 3 })])
  })

  it('groups by worker and by community', async () => {
    const byWorker = await s.http.get(`/api/staff/metrics?from=${chinaToday()}&to=${chinaToday()}&groupBy=worker`, { token: staff })
    const names = byWorker.body.rows.map((r: { key: { name: string }; closed: number }) => [r.key.name, r.closed])
    expect(names).toEqual(expect.arrayContaining([['网格员 张伟', 2], ['未派单', 0]]))
    const byRegion = await s.http.get(`/api/staff/metrics?from=${chinaToday()}&to=${chinaToday()}&groupBy=region`, { token: await s.http.staffToken('centre') })
    expect(byRegion.body.rows.map((r: { key: { name: string } }) => r.key.name)).toEqual(['幸福里社区'])
  })

  it('keeps to the account\'s region and the date range, and checks its input', async () => {
    const other = await s.http.get(`/api/staff/metrics?from=${chinaToday()}&to=${chinaToday()}`, { token: await s.http.staffToken('staff2') })
    expect(other.body.overall.total).toBe(0)
    const past = await s.http.get('/api/staff/metrics?from=2020-01-01&to=2020-01-31', { token: staff })
    expect(past.body.overall).toMatchObject({ total: 0, completionRate: null })
    const backwards = await s.http.get('/api/staff/metrics?from=2026-02-01&to=2026-01-01', { token: staff })
    expect(backwards.status).toBe(400)
    expect((await s.http.get(`/api/staff/metrics?from=${chinaToday()}&to=${chinaToday()}`, { token: await s.http.residentToken() })).status).toBe(403)
  })

  it('estimates the median time to close from the histogram, along a line through the middle bucket', () => {
    expect(medianHoursFromHistogram([0, 0, 0])).toBeNull()
    // Four cases under 1 h and four in [1, 2): the middle (4th of 8) ends the first bucket.
    expect(medianHoursFromHistogram([4, 4])).toBe(1)
    // One case in [0,1), two in [2,4): the middle (1.5) is a quarter into [2,4) → 2.5 h.
    expect(medianHoursFromHistogram([1, 0, 2])).toBe(2.5)
    // Everything past 720 h reads as 720.
    expect(medianHoursFromHistogram([...Array(16).fill(0), 3])).toBe(720)
  })
})
