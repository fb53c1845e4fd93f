import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { superviseOverdueCases } from '../../jobs/superviseOverdueCases'
import { act, fileReport, HP_G1, reportBody } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

describe.each(testDatabaseKinds())('reports and the grid loop on %s', (kind) => {
  let s: TestServer
  let staff: string
  let staff2: string
  let grid: string
  let centre: string
  let gridWorkerId: number
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-uploads-'))
  const count = async (table: string) => Number((await s.database.db(table).count({ n: '*' }).first())!.n)

  beforeAll(async () => {
    s = await startTestServer(kind, { env: { UPLOAD_DIR: uploadDir, REPORTS_PER_HOUR: '4' } })
    staff = await s.http.staffToken('staff')
    staff2 = await s.http.staffToken('staff2')
    grid = await s.http.staffToken('grid')
    centre = await s.http.staffToken('centre')
    gridWorkerId = (await s.database.db('users').where({ username: 'grid' }).first()).id
  })
  afterAll(async () => {
    await s?.close()
    fs.rmSync(uploadDir, { recursive: true, force: true })
  })

  it('lists the seeded categories with what each requires', async () => {
    const res = await s.http.get('/api/categories?kind=violation', { token: await s.http.residentToken() })
    expect(res.status).toBe(200)
    const parking = res.body.items.find((c: { code: string }) => c.code === 'illegal_parking')
    expect(parking).toMatchObject({ name: '违章停车', kind: 'violation', requiredFields: ['plate'], colour: 'yellow' })
    expect(res.body.items.every((c: { kind: string }) => c.kind === 'violation')).toBe(true)
  })

  it('files a report once however often a flaky network resends it', async () => {
    const resident = await s.http.residentToken()
    const key = `submit-${randomUUID()}`
    const body = reportBody()
    const first = await s.http.post('/api/cases', body, { token: resident, idempotencyKey: key })
    const again = await s.http.post('/api/cases', body, { token: resident, idempotencyKey: key })
    expect(first.status).toBe(201)
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body.case.id).toBe(first.body.case.id)
    expect(first.body).toMatchObject({ duplicate: false, case: { status: 'submitted', kind: 'complaint', relation: 'reporter' } })
    expect(first.body.case.number).toMatch(/^\d{6}-\d{4}$/)
    expect(first.body.case.grid.name).toBe('幸福里第一网格')
    expect(await s.database.db('cases').where({ reporter_id: (await s.http.get('/api/me', { token: resident })).body.id }).count({ n: '*' }).first())
      .toMatchObject({ n: 1 })
    const noKey = await s.http.post('/api/cases', reportBody(), { token: resident })
    expect(noKey.status).toBe(400)
    expect(noKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED')
  })

  it('refuses bad input with a clear code and changes nothing', async () => {
    const resident = await s.http.residentToken()
    const before = await count('cases')
    const badPlate = await fileReport(s, resident, { kind: 'violation', categoryCode: 'illegal_parking', plate: '湘C1234' })
    expect(badPlate.status).toBe(400)
    expect(badPlate.body.error.code).toBe('VALIDATION_FAILED')
    expect(badPlate.body.error.details.fields[0].path).toBe('plate')
    const noPlate = await fileReport(s, resident, { kind: 'violation', categoryCode: 'illegal_parking' })
    expect(noPlate.body.error.code).toBe('PLATE_REQUIRED')
    const wrongKind = await fileReport(s, resident, { kind: 'hazard', categoryCode: 'noise' })
    expect(wrongKind.body.error.code).toBe('CATEGORY_KIND_MISMATCH')
    const unknown = await fileReport(s, resident, { categoryCode: 'nope' })
    expect(unknown.body.error.code).toBe('CATEGORY_UNKNOWN')
    const future = await fileReport(s, resident, { occurredAt: new Date(Date.now() + 3600_000).toISOString() })
    expect(future.body.error.code).toBe('OCCURRED_AT_INVALID')
    const shortText = await fileReport(s, resident, { text: '太吵' })
    expect(shortText.body.error.code).toBe('VALIDATION_FAILED')
    const risky = await fileReport(s, resident, { text: '有人在小区门口代开发票，请处理' })
    expect(risky.status).toBe(422)
    expect(risky.body.error.code).toBe('CONTENT_REJECTED')
    const strangerPhoto = await fileReport(s, resident, { photoIds: ['0'.repeat(32)] })
    expect(strangerPhoto.body.error.code).toBe('PHOTO_NOT_FOUND')
    const staffFiling = await fileReport(s, staff)
    expect(staffFiling.status).toBe(403)
    expect(await count('cases')).toBe(before)
  })

  it('accepts new-energy plates and normalises how people type them', async () => {
    const resident = await s.http.residentToken()
    const small = await fileReport(s, resident, { kind: 'violation', categoryCode: 'illegal_parking', plate: '湘c·d12345' })
    expect(small.status).toBe(201)
    expect(small.body.case.plate).toBe('湘CD12345')
    const large = await fileReport(s, resident, { kind: 'violation', categoryCode: 'illegal_parking', plate: '湘C12345F' })
    expect(large.body.case.plate).toBe('湘C12345F')
  })

  it('runs the whole loop: file → accept → dispatch → start → resolve → verify → rate → closed', async () => {
    const resident = await s.http.residentToken()
    const filed = await fileReport(s, resident, { kind: 'violation', categoryCode: 'street_vending' })
    const id = filed.body.case.id as number
    expect(filed.body.case.actions).toEqual([])

    const inbox = await s.http.get('/api/staff/cases?status=submitted', { token: staff })
    const mine = inbox.body.items.find((c: { id: number }) => c.id === id)
    expect(mine.actions).toEqual(['accept', 'reject', 'escalate', 'regrade'])

    const wrongMove = await act(s, staff, id, { action: 'start' })
    expect(wrongMove.status).toBe(409)
    expect(wrongMove.body.error).toMatchObject({ code: 'CASE_TRANSITION_NOT_ALLOWED', details: { status: 'submitted', allowed: ['accept', 'reject', 'escalate', 'regrade'] } })

    expect((await act(s, staff, id, { action: 'accept', note: '已受理' })).body.status).toBe('accepted')
    const badAssignee = await act(s, staff, id, { action: 'dispatch', assigneeId: 1 })
    expect(badAssignee.body.error.code).toBe('ASSIGNEE_INVALID')
    const dispatched = await act(s, staff, id, { action: 'dispatch', assigneeId: gridWorkerId })
    expect(dispatched.body).toMatchObject({ status: 'dispatched', assignee: { id: gridWorkerId } })
    expect((await act(s, staff, id, { action: 'start' })).status).toBe(403)
    expect((await act(s, grid, id, { action: 'start' })).body.status).toBe('in_progress')
    const resolved = await act(s, grid, id, { action: 'resolve', outcome: 'fixed', note: '已劝离摊贩，恢复通行' })
    expect(resolved.body).toMatchObject({ status: 'resolved', outcome: 'fixed', actions: [] })
    expect((await act(s, grid, id, { action: 'verify' })).status).toBe(403)
    expect((await act(s, staff, id, { action: 'verify', note: '现场核查属实' })).body.status).toBe('verified')

    // A verified violation proposes the reporter's points through the awards module.
    const award = await s.database.db('awards').where({ source_type: 'report', source_id: String(id) }).first()
    expect(award).toMatchObject({ kind: 'violation', points: 5 })

    const detailForResident = await s.http.get(`/api/cases/${id}`, { token: resident })
    expect(detailForResident.body.actions).toEqual(['rate'])
    const rated = await act(s, resident, id, { action: 'rate', satisfied: true, comment: '处理及时' })
    expect(rated.body).toMatchObject({ status: 'closed', rating: { satisfied: true, comment: '处理及时' } })

    const detail = await s.http.get(`/api/cases/${id}`, { token: staff })
    expect(detail.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(
      ['submit', 'accept', 'dispatch', 'start', 'resolve', 'verify', 'rate'],
    )
    expect(detail.body.timeline[1]).toMatchObject({ fromStatus: 'submitted', toStatus: 'accepted', note: '已受理', actor: { role: 'staff' } })
    expect(detail.body.reporter).not.toBeNull()
    const again = await act(s, resident, id, { action: 'rate', satisfied: false })
    expect(again.status).toBe(409)
    expect(again.body.error.details.allowed).toEqual([])
  })

  it('rejects with a reason, and a rejected case goes nowhere', async () => {
    const resident = await s.http.residentToken()
    const id = (await fileReport(s, resident)).body.case.id
    expect((await act(s, staff, id, { action: 'reject' })).body.error.code).toBe('VALIDATION_FAILED')
    const rejected = await act(s, staff, id, { action: 'reject', reason: '不属于本社区管辖范围' })
    expect(rejected.body.status).toBe('rejected')
    expect((await act(s, staff, id, { action: 'accept' })).status).toBe(409)
    const mine = await s.http.get('/api/my/cases', { token: resident })
    expect(mine.body.items[0]).toMatchObject({ id, status: 'rejected' })
  })

  it('escalates to the parent region, which takes it over', async () => {
    const resident = await s.http.residentToken()
    const id = (await fileReport(s, resident)).body.case.id
    const escalated = await act(s, staff, id, { action: 'escalate', reason: '涉及多个社区，需街道协调' })
    expect(escalated.body).toMatchObject({ status: 'escalated', region: { name: '建设路街道' } })
    // The community no longer handles it; the street's centre does.
    expect((await s.http.get(`/api/cases/${id}`, { token: staff })).status).toBe(404)
    const accepted = await act(s, centre, id, { action: 'accept' })
    expect(accepted.body.status).toBe('accepted')
    expect(accepted.body.actions).toContain('dispatch')
  })

  it('reopens once on dissatisfaction, then sends the case to the centre', async () => {
    const resident = await s.http.residentToken()
    const id = (await fileReport(s, resident)).body.case.id
    const handle = async () => {
      await act(s, staff, id, { action: 'dispatch', assigneeId: gridWorkerId })
      await act(s, grid, id, { action: 'start' })
      await act(s, grid, id, { action: 'resolve', outcome: 'fixed', note: '已沟通处理' })
      return act(s, staff, id, { action: 'verify' })
    }
    await act(s, staff, id, { action: 'accept' })
    expect((await handle()).body.status).toBe('verified')
    const reopened = await act(s, resident, id, { action: 'rate', satisfied: false, comment: '晚上还是很吵' })
    expect(reopened.body).toMatchObject({ status: 'reopened', reopenCount: 1, outcome: null })
    expect((await handle()).body.status).toBe('verified')
    const toCentre = await act(s, resident, id, { action: 'rate', satisfied: false, comment: '依然没有解决' })
    expect(toCentre.body).toMatchObject({ status: 'escalated', region: { name: '建设路街道' } })
    expect(toCentre.body.outcome).toBeNull()
    const closed = await act(s, centre, id, { action: 'close', note: '经综治中心复核，协调无果，如实办结' })
    expect(closed.body).toMatchObject({ status: 'closed', outcome: 'not_fixed' })
  })

  describe('re-grading a case\'s colour (调整预警等级)', () => {
    const HOUR = 3600_000
    const regrade = (token: string, id: number, body: Record<string, unknown>) =>
      s.http.post(`/api/cases/${id}/colour`, body, { token, idempotencyKey: `g-${randomUUID()}` })
    const hoursOf = (c: { createdAt: string; responseDueAt: string; resolveDueAt: string }) => ({
      response: (Date.parse(c.responseDueAt) - Date.parse(c.createdAt)) / HOUR,
      resolve: (Date.parse(c.resolveDueAt) - Date.parse(c.createdAt)) / HOUR,
    })

    it('shortens the deadlines for red, so the scanner finds the case overdue sooner', async () => {
      const resident = await s.http.residentToken()
      const yellow = (await fileReport(s, resident)).body.case
      const graded = (await fileReport(s, resident)).body.case
      // 噪音扰民 is a yellow category: 4 h to respond, 48 h to resolve.
      expect(graded).toMatchObject({ colour: 'yellow', actions: [] })
      expect(hoursOf(graded)).toEqual({ response: 4, resolve: 48 })
      const inbox = await s.http.get(`/api/cases/${graded.id}`, { token: staff })
      expect(inbox.body.actions).toContain('regrade')

      const red = await regrade(staff, graded.id, { colour: 'red', reason: '涉及老人夜间休息，加急处理' })
      expect(red.status).toBe(200)
      expect(red.body).toMatchObject({ colour: 'red', status: 'submitted' })
      expect(hoursOf(red.body)).toEqual({ response: 2, resolve: 24 })

      const later = new Date(Date.parse(graded.createdAt) + 3 * HOUR)
      const scanned = await superviseOverdueCases(s.app.services, later, { ids: [yellow.id, graded.id] })
      expect(scanned.processed).toBe(1)
      const row = await s.database.db('cases').where({ id: graded.id }).first()
      expect(Boolean(row.response_overdue)).toBe(true)
      expect(Boolean((await s.database.db('cases').where({ id: yellow.id }).first()).response_overdue)).toBe(false)

      // A grid worker in scope may grade it back down; green doubles the category's hours.
      const green = await regrade(grid, graded.id, { colour: 'green', reason: '经核实影响较小' })
      expect(green.status).toBe(200)
      expect(hoursOf(green.body)).toEqual({ response: 8, resolve: 96 })
      const detail = (await s.http.get(`/api/cases/${graded.id}`, { token: staff })).body
      // The timeline runs in time order: the scan was run as of three hours on, after the second regrade.
      expect(detail.timeline.map((e: { kind: string }) => e.kind)).toEqual(['submit', 'regrade', 'regrade', 'supervise'])
      expect(detail.timeline[1]).toMatchObject({ label: '调整预警等级', actor: { role: 'staff' }, fromStatus: 'submitted', toStatus: 'submitted' })
      expect(detail.timeline[1].note).toContain('涉及老人夜间休息')
    })

    it('keeps the colour when a clock restarts: an escalated red case gets the red response time', async () => {
      const id = (await fileReport(s, await s.http.residentToken())).body.case.id
      await regrade(staff, id, { colour: 'red', reason: '情况紧急' })
      const before = Date.now()
      const escalated = await act(s, staff, id, { action: 'escalate', reason: '需街道协调处理' })
      expect(escalated.body).toMatchObject({ status: 'escalated', colour: 'red' })
      const hoursAhead = (Date.parse(escalated.body.responseDueAt) - before) / HOUR
      expect(hoursAhead).toBeGreaterThan(1.9)
      expect(hoursAhead).toBeLessThan(2.1)
    })

    it('refuses bad input with Chinese messages', async () => {
      const id = (await fileReport(s, await s.http.residentToken())).body.case.id
      const noReason = await regrade(staff, id, { colour: 'red' })
      expect(noReason.status).toBe(400)
      expect(noReason.body.error.details.fields[0]).toMatchObject({ path: 'reason', message: expect.stringMatching(/[\u4e00-\u9fa5]/) })
      const badColour = await regrade(staff, id, { colour: 'blue', reason: '测试颜色' })
      expect(badColour.status).toBe(400)
      expect(badColour.body.error.details.fields[0].message).toMatch(/[\u4e00-\u9fa5]/)
      const same = await regrade(staff, id, { colour: 'yellow', reason: '颜色不变' })
      expect(same.status).toBe(400)
      expect(same.body.error.details.fields[0]).toEqual({ path: 'colour', message: '预警等级未改变' })
      expect(await s.database.db('case_events').where({ case_id: id, kind: 'regrade' })).toHaveLength(0)
    })

    it('is refused after resolution (409) and out of scope (404)', async () => {
      const resident = await s.http.residentToken()
      const id = (await fileReport(s, resident)).body.case.id
      expect((await regrade(staff2, id, { colour: 'red', reason: '越权调整' })).status).toBe(404)
      expect((await regrade(resident, id, { colour: 'red', reason: '居民调整' })).status).toBe(404)
      await act(s, staff, id, { action: 'accept' })
      await act(s, staff, id, { action: 'dispatch', assigneeId: gridWorkerId })
      await act(s, grid, id, { action: 'start' })
      const resolved = await act(s, grid, id, { action: 'resolve', outcome: 'fixed', note: '已沟通处理' })
      expect(resolved.body.actions).not.toContain('regrade')
      const late = await regrade(staff, id, { colour: 'red', reason: '已处置后调整' })
      expect(late.status).toBe(409)
      expect(late.body.error).toMatchObject({ code: 'CASE_TRANSITION_NOT_ALLOWED', details: { status: 'resolved' } })
      expect(late.body.error.details.allowed).not.toContain('regrade')
      const row = await s.database.db('cases').where({ id }).first()
      expect(row.colour).toBe('yellow')
    })

    it('writes the event to the outbox with the new colour and deadlines', async () => {
      const admin = await s.http.staffToken('admin')
      const community = await s.database.db('regions').where({ name: '和平社区' }).first()
      const platform = await s.http.post('/api/admin/grid-platforms', {
        regionId: community.id, name: '和平社区测试平台', url: 'http://127.0.0.1:9/hook', secret: 'x'.repeat(16),
      }, { token: admin })
      expect(platform.status).toBe(201)
      const c = (await fileReport(s, await s.http.residentToken(), { location: { ...HP_G1, address: '和平社区 7 栋' } })).body.case
      const red = await regrade(staff2, c.id, { colour: 'red', reason: '多次反映，加急' })
      expect(red.status).toBe(200)
      const rows = await s.database.db('outbox_messages').where({ case_id: c.id, destination: 'grid_platform' }).orderBy('seq')
      expect(rows).toHaveLength(2)
      const payload = JSON.parse(rows[1].payload)
      expect(payload.event).toMatchObject({ kind: 'regrade', from: 'submitted', to: 'submitted' })
      expect(payload.case).toMatchObject({ colour: 'red', responseDueAt: red.body.responseDueAt, resolveDueAt: red.body.resolveDueAt })
      // Later tests here do not expect forwarding.
      await s.database.db('grid_platforms').where({ id: platform.body.id }).update({ active: false })
    })
  })

  it('answers 404 to another community, as for a case that does not exist', async () => {
    const resident = await s.http.residentToken()
    const id = (await fileReport(s, resident)).body.case.id
    const other = await s.http.get(`/api/cases/${id}`, { token: staff2 })
    const missing = await s.http.get('/api/cases/99999999', { token: staff2 })
    expect(other.status).toBe(404)
    expect(other.body).toEqual(missing.body)
    expect((await act(s, staff2, id, { action: 'accept' })).status).toBe(404)
    expect((await s.http.get(`/api/cases/${id}`, { token: await s.http.residentToken() })).status).toBe(404)
    const inbox = await s.http.get('/api/staff/cases?limit=50', { token: staff2 })
    expect(inbox.body.items.map((c: { id: number }) => c.id)).not.toContain(id)
    // A case in 和平社区 is staff2's, not staff's.
    const hp = (await fileReport(s, resident, { location: { ...HP_G1, address: '和平社区 5 栋' } })).body.case
    expect(hp.grid.name).toBe('和平第一网格')
    expect((await s.http.get(`/api/cases/${hp.id}`, { token: staff2 })).status).toBe(200)
    expect((await s.http.get(`/api/cases/${hp.id}`, { token: staff })).status).toBe(404)
  })

  it('never shows an anonymous reporter to a handler', async () => {
    const handle = `anon${randomUUID().slice(0, 6)}`
    const login = await s.http.post('/api/auth/dev', { handle, displayName: '匿名测试居民甲' })
    const resident = login.body.accessToken
    const id = (await fileReport(s, resident, { anonymous: true })).body.case.id
    await act(s, staff, id, { action: 'accept' })
    for (const token of [staff, centre]) {
      const detail = await s.http.get(`/api/cases/${id}`, { token })
      expect(detail.body.reporter).toBeNull()
      expect(detail.body.timeline[0].actor).toEqual({ displayName: '居民', role: 'resident' })
      expect(JSON.stringify(detail.body)).not.toContain('匿名测试居民甲')
      const inbox = await s.http.get('/api/staff/cases?limit=50', { token })
      expect(JSON.stringify(inbox.body)).not.toContain('匿名测试居民甲')
    }
    const own = await s.http.get(`/api/cases/${id}`, { token: resident })
    expect(own.body.reporter).toMatchObject({ displayName: '匿名测试居民甲' })
  })

  it('shows a confidential clue\'s reporter to the centre only', async () => {
    const resident = await s.http.residentToken()
    const filed = await fileReport(s, resident, { kind: 'hazard', categoryCode: 'drug_clue', text: '某出租屋夜间人员出入异常' })
    expect(filed.body.case.region.name).toBe('建设路街道')
    expect((await s.http.get(`/api/cases/${filed.body.case.id}`, { token: centre })).body.reporter).not.toBeNull()
    expect((await s.http.get(`/api/cases/${filed.body.case.id}`, { token: staff })).status).toBe(404)
  })

  it('makes a resident who confirms the same problem a follower of the open case', async () => {
    const first = await s.http.residentToken()
    const second = await s.http.residentToken()
    const body = { kind: 'violation', categoryCode: 'illegal_parking', plate: '湘C88888' }
    const original = (await fileReport(s, first, body)).body.case
    const near = { ...original.location, lat: original.location.lat + 0.0005, address: '东门' }
    const repeat = await fileReport(s, second, { ...body, plate: '湘C 88888', location: near, followCaseId: original.id })
    expect(repeat.status).toBe(201)
    expect(repeat.body).toMatchObject({ duplicate: true, case: { id: original.id, relation: 'follower', followers: 1, reporter: null } })
    const mine = await s.http.get('/api/my/cases', { token: second })
    expect(mine.body.items.map((c: { id: number }) => c.id)).toEqual([original.id])
    const timeline = (await s.http.get(`/api/cases/${original.id}`, { token: staff })).body.timeline
    expect(timeline.map((e: { kind: string }) => e.kind)).toEqual(['submit', 'follow'])
  })

  it('finds the nearest grid for a point outside every grid', async () => {
    const res = await fileReport(s, await s.http.residentToken(), { location: { lat: 27.8700, lng: 112.9380, address: '幸福里北侧' } })
    expect(res.body.case.grid.name).toBe('幸福里第一网格')
  })

  it('filters the inbox by status, colour and overdue', async () => {
    const resident = await s.http.residentToken()
    await fileReport(s, resident, { kind: 'hazard', categoryCode: 'fire_safety', text: '楼道堆放大量杂物堵塞消防通道' })
    const red = await s.http.get('/api/staff/cases?colour=red', { token: staff })
    expect(red.body.items.length).toBeGreaterThan(0)
    expect(red.body.items.every((c: { colour: string }) => c.colour === 'red')).toBe(true)
    const overdue = await s.http.get('/api/staff/cases?overdue=true', { token: staff })
    expect(overdue.status).toBe(200)
    expect(overdue.body.items.every((c: { overdue: boolean }) => c.overdue)).toBe(true)
    const page = await s.http.get('/api/staff/cases?limit=2', { token: staff })
    expect(page.body.items).toHaveLength(2)
    const next = await s.http.get(`/api/staff/cases?limit=2&cursor=${page.body.next}`, { token: staff })
    expect(next.body.items[0].id).toBeLessThan(page.body.items[1].id)
    // The grid worker sees their grid's cases, not the community's others.
    const gridInbox = await s.http.get('/api/staff/cases?limit=50', { token: grid })
    expect(gridInbox.body.items.every((c: { grid: { name: string } }) => c.grid.name === '幸福里第一网格')).toBe(true)
  })

  it('stops a flood of reports from one account', async () => {
    const resident = await s.http.residentToken()
    for (let i = 0; i < 4; i++) expect((await fileReport(s, resident)).status).toBe(201)
    const fifth = await fileReport(s, resident)
    expect(fifth.status).toBe(429)
    expect(fifth.body.error.code).toBe('RATE_LIMITED')
    // Repeating one report counts too, though it only follows the same case.
    const repeater = await s.http.residentToken()
    const same = reportBody()
    for (let i = 0; i < 4; i++) expect((await fileReport(s, repeater, { location: same.location })).status).toBe(201)
    expect((await fileReport(s, repeater, { location: same.location })).status).toBe(429)
  })

  it('lists the grid workers a dispatcher may choose', async () => {
    const res = await s.http.get('/api/staff/grid-workers', { token: staff })
    expect(res.body.items).toEqual([{ id: gridWorkerId, displayName: '网格员 张伟', region: expect.objectContaining({ name: '幸福里第一网格' }) }])
    expect((await s.http.get('/api/staff/grid-workers', { token: staff2 })).body.items).toEqual([])
    expect((await s.http.get('/api/staff/grid-workers', { token: grid })).status).toBe(403)
  })

  it('lets an admin add and change categories, which new reports then follow', async () => {
    const admin = await s.http.staffToken('admin')
    const body = {
      code: 'road_damage', kind: 'complaint', name: '道路破损', colour: 'yellow', responseSlaHours: 6, resolveSlaHours: 48,
      routing: 'community', requiredFields: ['photo'], points: 3,
    }
    expect((await s.http.post('/api/admin/categories', body, { token: staff })).status).toBe(403)
    const created = await s.http.post('/api/admin/categories', body, { token: admin })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ code: 'road_damage', routing: 'community', requiredFields: ['photo'], confidential: false })
    expect((await s.http.post('/api/admin/categories', body, { token: admin })).status).toBe(409)
    const badSla = await s.http.post('/api/admin/categories', { ...body, code: 'x_bad', responseSlaHours: 72 }, { token: admin })
    expect(badSla.body.error.details.fields[0].path).toBe('responseSlaHours')

    const resident = await s.http.residentToken()
    expect((await fileReport(s, resident, { categoryCode: 'road_damage' })).body.error.code).toBe('PHOTO_REQUIRED')
    const changed = await s.http.request('PUT', '/api/admin/categories/road_damage', { requiredFields: [], colour: 'red', resolveSlaHours: 12 }, { token: admin })
    expect(changed.body).toMatchObject({ colour: 'red', requiredFields: [], resolveSlaHours: 12, responseSlaHours: 6 })
    const tooShort = await s.http.request('PUT', '/api/admin/categories/road_damage', { resolveSlaHours: 2 }, { token: admin })
    expect(tooShort.status).toBe(400)
    const filed = await fileReport(s, resident, { categoryCode: 'road_damage' })
    expect(filed.body.case).toMatchObject({ colour: 'red', region: { name: '幸福里社区' } })
    const hours = (Date.parse(filed.body.case.resolveDueAt) - Date.parse(filed.body.case.createdAt)) / 3600_000
    expect(hours).toBe(12)
    await s.http.request('PUT', '/api/admin/categories/road_damage', { active: false }, { token: admin })
    expect((await fileReport(s, resident, { categoryCode: 'road_damage' })).body.error.code).toBe('CATEGORY_UNKNOWN')
    expect((await s.http.request('PUT', '/api/admin/categories/nope_nope', { points: 1 }, { token: admin })).status).toBe(404)
  })

  it('lets only one of two handlers acting at once move a case, and numbers concurrent reports uniquely', async () => {
    const resident = await s.http.residentToken()
    const id = (await fileReport(s, resident)).body.case.id
    const [a, b] = await Promise.all([act(s, staff, id, { action: 'accept' }), act(s, centre, id, { action: 'reject', reason: '不属于受理范围' })])
    expect([a.status, b.status].sort()).toEqual([200, 409])
    const events = await s.database.db('case_events').where({ case_id: id }).whereNot({ kind: 'submit' })
    expect(events).toHaveLength(1)

    const residents = await Promise.all(Array.from({ length: 6 }, () => s.http.residentToken()))
    const filed = await Promise.all(residents.map((token) => fileReport(s, token)))
    expect(filed.map((r) => r.status)).toEqual(Array(6).fill(201))
    const numbers = filed.map((r) => r.body.case.number)
    expect(new Set(numbers).size).toBe(6)
  })

  it('describes the case endpoints in the OpenAPI document', async () => {
    const doc = (await s.http.get('/api/openapi.json')).body
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/cases', '/api/cases/{id}', '/api/cases/{id}/actions', '/api/my/cases', '/api/staff/cases', '/api/staff/metrics', '/api/uploads']))
    expect(doc.paths['/api/cases/{id}/actions'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CaseActionInput' })
    expect(doc.components.schemas.Case.properties.actions).toBeDefined()
  })
})
