import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { act, fileReport } from '../testing/cases'
import { testDatabaseKinds } from '../testing/databases'
import { startTestServer, type TestServer } from '../testing/server'

/**
 * How many SQL statements the main read endpoints send per request, counted through knex's query events: a small
 * fixed number, the same for a page of one row as for a page of twenty (no statement per row).
 */
describe.each(testDatabaseKinds())('SQL statements per request on %s', (kind) => {
  let s: TestServer
  let resident: { id: number; token: string }
  let grid: string
  let staff: string
  let caseId: number

  /** The statements the server sends while answering `send`, in order. */
  async function statementsOf(send: () => Promise<{ status: number }>): Promise<string[]> {
    const sql: string[] = []
    const listen = (q: { sql: string }) => sql.push(q.sql)
    s.database.db.on('query', listen)
    try {
      const res = await send()
      expect(res.status).toBeLessThan(500)
    } finally {
      s.database.db.off('query', listen)
    }
    if (process.env.SHOW_SQL) console.log(sql.length, sql.join('\n'))
    return sql
  }
  const get = (path: string, token: string) => statementsOf(() => s.http.get(path, { token }))
  const isRead = (sql: string) => /^\s*select\b/i.test(sql) && !/\bfor update\b/i.test(sql)
  /** Not a read of category or region rows for presenting (the authenticating statement joins regions too). */
  const notReference = (sql: string) => !(/\b(case_categories|regions)\b/.test(sql) && !/\bsessions\b/.test(sql))

  beforeAll(async () => {
    s = await startTestServer(kind)
    resident = await s.make.resident()
    await s.make.givePoints(resident.id, 40)
    grid = await s.http.staffToken('grid')
    staff = await s.http.staffToken('staff')
    // Twenty cases in the grid worker's grid, each from another resident; three of them the first resident's.
    for (let i = 0; i < 20; i++) {
      const reporter = i < 3 ? resident : await s.make.resident()
      const res = await fileReport(s, reporter.token)
      expect(res.status).toBe(201)
      caseId = res.body.case.id
    }
    // A case with a history of several people's actions.
    expect((await act(s, staff, caseId, { action: 'accept', note: '已受理' })).status).toBe(200)
  }, 120_000)
  afterAll(async () => {
    await s?.close()
  })

  it('authenticates with one statement: user, session and region read together', async () => {
    const sql = await get('/api/regions', resident.token)
    // The region list itself is the other statement.
    expect(sql).toHaveLength(2)
    expect(sql.filter((q) => /\bsessions\b/.test(q) && /\busers\b/.test(q) && /\bregions\b/.test(q))).toHaveLength(1)
  })

  it('answers the points summary, the catalogue and a case in a few statements', async () => {
    // Points expire in the resident's community, so the summary previews what lapses soon.
    const admin = await s.http.staffToken('admin')
    const community = (await s.database.db('users').where({ id: resident.id }).first('region_id')).region_id
    const settings = { regionId: community, monthlyBudget: 20_000, dailyCapPerResident: 100, monthlyCapPerResident: 1_000, pointsValidMonths: 12 }
    expect((await s.http.post('/api/admin/award-settings', settings, { token: admin })).status).toBe(200)
    const summary = await get('/api/points/summary', resident.token)
    expect(summary.length).toBeLessThanOrEqual(6)
    // With fewer pending awards than the page shows, their total is the page's sum, not another statement.
    expect(summary.filter((q) => /\bawards\b/.test(q))).toHaveLength(1)
    expect(summary.some((q) => /\bledger_postings\b/.test(q)), 'the expiry preview runs').toBe(true)
    // The user and their community come with authentication; the balance and lifetime total are one row.
    expect(summary.filter((q) => /\b(users|regions)\b/.test(q))).toHaveLength(1)
    expect(summary.filter((q) => /\bledger_accounts\b/.test(q) && !/\bledger_postings\b/.test(q))).toHaveLength(1)
    const rewards = await get('/api/rewards', resident.token)
    expect(rewards.length).toBeLessThanOrEqual(5)
    const detail = await get(`/api/cases/${caseId}`, staff)
    expect(detail.length).toBeLessThanOrEqual(7)
    // A resident's view of their own case: whether they follow it is read once, to let them see it.
    const own = (await s.http.get('/api/my/cases?limit=1', { token: resident.token })).body.items[0].id
    const residentDetail = await get(`/api/cases/${own}`, resident.token)
    expect(residentDetail.filter((q) => /\bcase_followers\b/.test(q))).toHaveLength(1)
    expect(residentDetail.length).toBeLessThanOrEqual(4)
    for (const sql of [...summary, ...rewards, ...detail]) expect(isRead(sql), sql).toBe(true)
  })

  it('reads a page of twenty cases in as many statements as a page of one', async () => {
    // Category and region rows may come from memory (see the next test): counted apart, they are at most one each.
    const inboxOne = await get('/api/staff/cases?limit=1', grid)
    const inboxTwenty = await get('/api/staff/cases?limit=20', grid)
    expect(inboxTwenty.filter(notReference).length).toBe(inboxOne.filter(notReference).length)
    expect(inboxTwenty.filter((q) => !notReference(q)).length).toBeLessThanOrEqual(2)
    expect(inboxTwenty.length).toBeLessThanOrEqual(7)
    // Region and assignee are two scans of their own indexes, never one OR over both.
    for (const sql of inboxTwenty) expect(sql).not.toMatch(/region_path.*\bor\b.*assignee_id/i)
    const mineOne = await get('/api/my/cases?limit=1', resident.token)
    const mineThree = await get('/api/my/cases?limit=20', resident.token)
    expect(mineThree.filter(notReference).length).toBe(mineOne.filter(notReference).length)
    // The list brings the resident's relation to each case, and the resident's own row came with authentication:
    // neither is read again (these reports are not yet dispatched, so nobody else is named).
    expect(mineThree.filter((q) => /\bcase_followers\b/.test(q))).toHaveLength(1)
    expect(mineThree.filter((q) => /^select \* from `users`/.test(q))).toEqual([])
    expect(mineThree.length).toBeLessThanOrEqual(3)
  })

  it('keeps category and region rows for pages in memory, and shows an administrator\'s rename at once', async () => {
    await get('/api/my/cases?limit=20', resident.token)
    const again = await get('/api/my/cases?limit=20', resident.token)
    expect(again.filter((q) => !notReference(q))).toEqual([])
    expect(again.length).toBeLessThanOrEqual(4)
    const mine = (await s.http.get('/api/my/cases?limit=1', { token: resident.token })).body.items[0]
    const admin = await s.http.staffToken('admin')
    const renamed = await s.http.request('PUT', `/api/admin/categories/${mine.category.code}`, { name: '改名后的类别' }, { token: admin })
    expect(renamed.status).toBe(200)
    expect((await s.http.get('/api/my/cases?limit=1', { token: resident.token })).body.items[0].category.name).toBe('改名后的类别')
  })

  it('turns a losing redemption away with a few reads: no transaction, no lock, no write', async () => {
    const post = (rewardId: number, token = resident.token) =>
      statementsOf(() => s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token }))
    const soldOut = await s.make.reward({ cost: 1, stock: 0 })
    const costly = await s.make.reward({ cost: 1000, stock: 5 })
    const once = await s.make.reward({ cost: 1, stock: 5, limit: 1 })
    expect((await s.http.post(`/api/rewards/${once}/redeem`, undefined, { token: resident.token })).status).toBe(201)
    const before = await s.http.get('/api/points/summary', { token: resident.token })
    for (const [rewardId, code] of [[soldOut, 'SOLD_OUT'], [costly, 'INSUFFICIENT_POINTS'], [once, 'REDEMPTION_LIMIT_REACHED']] as const) {
      const sql: string[] = []
      const listen = (q: { sql: string }) => sql.push(q.sql)
      s.database.db.on('query', listen)
      const res = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: resident.token, idempotencyKey: `lose-${code}` })
      s.database.db.off('query', listen)
      expect(res.status, code).toBe(409)
      expect(res.body.error.code).toBe(code)
      for (const q of sql) expect(isRead(q), `${code}: ${q}`).toBe(true)
      expect(sql.length, code).toBeLessThanOrEqual(6)
    }
    expect((await post(soldOut)).length).toBeLessThanOrEqual(3)
    expect((await s.http.get('/api/points/summary', { token: resident.token })).body.balance).toBe(before.body.balance)
  })

  it('draws the pickup QR code when the redemption is viewed, not when it is made', async () => {
    const rewardId = await s.make.reward({ cost: 1, stock: 5 })
    const made = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: resident.token })
    expect(made.status).toBe(201)
    expect(made.body.qrDataUrl).toBeNull()
    expect(made.body.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/)
    const viewed = await s.http.get(`/api/redemptions/${made.body.id}`, { token: resident.token })
    expect(viewed.body.qrDataUrl).toMatch(/^data:image\/png;base64,/)
    expect((await s.http.get('/api/redemptions', { token: resident.token })).body.items.every((r: { qrDataUrl: null }) => r.qrDataUrl === null)).toBe(true)
  })

  it('pages a grid worker\'s inbox through their grid and their cases elsewhere, newest first, each once', async () => {
    const db = s.database.db
    const gridWorker = await db('users').where({ username: 'grid' }).first('id', 'region_id')
    const gridPath = (await db('regions').where({ id: gridWorker.region_id }).first('path')).path as string
    const inGrid = (await db('cases').where('region_path', 'like', `${gridPath}%`).pluck('id')).map(Number)
    // One of them moves up to the street (as on escalation) while staying assigned to the worker.
    const moved = inGrid.sort((a, b) => a - b)[3]!
    const elsewhere = gridPath.split('/').filter(Boolean).slice(0, -2)
    await db('cases').where({ id: moved }).update({ region_path: `/${elsewhere.join('/')}/`, assignee_id: gridWorker.id })
    const seen: number[] = []
    let cursor: string | null = ''
    while (cursor !== null) {
      const res: { status: number; body: { items: { id: number }[]; next: string | null } } = await s.http.get(`/api/staff/cases?limit=4${cursor ? `&cursor=${cursor}` : ''}`, { token: grid })
      expect(res.status).toBe(200)
      seen.push(...res.body.items.map((c: { id: number }) => c.id))
      cursor = res.body.next
    }
    expect(seen).toEqual([...inGrid].sort((a, b) => b - a))
    expect(seen).toContain(moved)
  })
})
