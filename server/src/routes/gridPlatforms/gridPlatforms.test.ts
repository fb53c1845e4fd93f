import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signBody } from '../../integrations/gridPlatform'
import { backoffMs, deliverOutbox } from '../../jobs/deliverOutbox'
import { superviseOverdueCases } from '../../jobs/superviseOverdueCases'
import { act, fileReport } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { startFakeGridPlatform, type FakeGridPlatform } from '../../testing/fakeGridPlatform'
import { startTestServer, type TestServer } from '../../testing/server'

const HOUR = 3600_000

describe.each(testDatabaseKinds())('forwarding into the grid loop on %s', (kind) => {
  let s: TestServer
  let fake: FakeGridPlatform
  let platformId: number
  let staff: string
  let admin: string

  beforeAll(async () => {
    fake = await startFakeGridPlatform()
    s = await startTestServer(kind, {
      env: { GRID_PLATFORM_TIMEOUT_MS: '300', GRID_PLATFORM_MAX_ATTEMPTS: '3', GRID_PLATFORM_BACKOFF_MS: '1000' },
    })
    staff = await s.http.staffToken('staff')
    admin = await s.http.staffToken('admin')
    const community = await s.database.db('regions').where({ code: 'XT-YT-JSL-XFL' }).first()
    const created = await s.http.post('/api/admin/grid-platforms', { regionId: community.id, name: '岳塘区网格化平台', url: fake.url, secret: fake.secret }, { token: admin })
    expect(created.status).toBe(201)
    platformId = created.body.id
  })
  afterAll(async () => {
    await s?.close()
    await fake?.close()
  })

  const outboxOf = (caseId: number) => s.database.db('outbox_messages').where({ case_id: caseId, destination: 'grid_platform' }).orderBy('seq')
  const deliver = async (caseId: number, now = new Date()) => {
    const streamIds = [...new Set((await outboxOf(caseId)).map((r: { stream_id: number }) => Number(r.stream_id)))]
    return deliverOutbox(s.app.services, now, { streamIds })
  }
  const newCase = async (overrides: Record<string, unknown> = {}) =>
    (await fileReport(s, await s.http.residentToken(), overrides)).body.case as { id: number; number: string }

  it('lets only an admin configure a platform', async () => {
    const res = await s.http.post('/api/admin/grid-platforms', { regionId: 1, name: 'x', url: fake.url, secret: fake.secret }, { token: staff })
    expect(res.status).toBe(403)
  })

  it('writes every case event to the outbox and delivers it signed, with its idempotency key, in WGS84', async () => {
    const c = await newCase()
    const rows = await outboxOf(c.id)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ status: 'pending', platform_id: platformId })
    const before = fake.received.length
    expect(await deliver(c.id)).toMatchObject({ delivered: 1 })
    const got = fake.received.slice(before)
    expect(got).toHaveLength(1)
    expect(got[0]!.signatureOk).toBe(true)
    expect(got[0]!.idempotencyKey).toBe(rows[0].idempotency_key)
    expect(got[0]!.body).toMatchObject({ event: { kind: 'submit', to: 'submitted' }, case: { number: c.number, status: 'submitted' } })
    const { wgs84, gcj02 } = got[0]!.body.case.location
    expect(Math.abs(wgs84.lat - gcj02.lat)).toBeGreaterThan(0.001)
    expect(JSON.stringify(got[0]!.body)).not.toMatch(/reporter|openid|displayName/)
    expect((await outboxOf(c.id))[0]).toMatchObject({ status: 'delivered', attempts: 0 })
  })

  it('does not forward cases of regions without a platform', async () => {
    const other = await newCase({ location: { lat: 27.854, lng: 112.944, address: '和平社区' } })
    expect(await outboxOf(other.id)).toHaveLength(0)
  })

  it('retries a failing platform with exponential back-off, keeping a case\'s events in order', async () => {
    const c = await newCase()
    await deliver(c.id)
    await act(s, staff, c.id, { action: 'accept' })
    const worker = await s.database.db('users').where({ username: 'grid' }).first()
    await act(s, staff, c.id, { action: 'dispatch', assigneeId: worker.id })
    fake.script.push('fail')
    const t0 = new Date()
    const first = await deliver(c.id, t0)
    expect(first).toMatchObject({ processed: 1, delivered: 0 })
    const [, accept, dispatch] = await outboxOf(c.id)
    expect(accept).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 503' })
    expect(dispatch).toMatchObject({ status: 'pending', attempts: 0 })
    // Not yet due: nothing is sent, and the later event does not overtake the earlier one.
    expect(await deliver(c.id, new Date(t0.getTime() + 500))).toMatchObject({ processed: 0 })
    // Once the earlier one gets through, the later one follows in the same run.
    const later = await deliver(c.id, new Date(t0.getTime() + 1300))
    expect(later).toMatchObject({ delivered: 2 })
    const kinds = fake.processed.slice(-2).map((k) => k)
    expect(kinds).toEqual([accept.idempotency_key, dispatch.idempotency_key])
    expect(backoffMs(1000, 1, () => 0)).toBe(1000)
    expect(backoffMs(1000, 4, () => 0)).toBe(8000)
  })

  it('survives a platform that answers too late: the retry carries the same key and is acted on once', async () => {
    const c = await newCase()
    fake.script.push('timeout')
    const t0 = new Date()
    await deliver(c.id, t0)
    const [row] = await outboxOf(c.id)
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'timeout' })
    await deliver(c.id, new Date(t0.getTime() + 1300))
    expect((await outboxOf(c.id))[0]).toMatchObject({ status: 'delivered' })
    expect(fake.received.filter((r) => r.idempotencyKey === row.idempotency_key)).toHaveLength(2)
    expect(fake.processed.filter((k) => k === row.idempotency_key)).toHaveLength(1)
  })

  it('dead-letters after the last attempt, lists it for the admin, and replays it', async () => {
    const c = await newCase()
    fake.script.push('fail', 'fail', 'fail')
    let now = Date.now()
    for (let i = 0; i < 3; i++) {
      await deliver(c.id, new Date(now))
      now += 10_000
    }
    const [row] = await outboxOf(c.id)
    expect(row).toMatchObject({ status: 'dead', attempts: 3 })
    const dead = await s.http.get('/api/admin/outbox/dead', { token: admin })
    expect(dead.body.items.map((m: { id: number }) => m.id)).toContain(Number(row.id))
    expect((await s.http.get('/api/admin/outbox/dead', { token: staff })).status).toBe(403)
    // A dead letter holds back the case's later events rather than letting them overtake it.
    await act(s, staff, c.id, { action: 'accept' })
    expect(await deliver(c.id, new Date(now))).toMatchObject({ processed: 0 })
    const replayed = await s.http.post(`/api/admin/outbox/${row.id}/replay`, undefined, { token: admin, idempotencyKey: `r-${randomUUID()}` })
    expect(replayed.body).toMatchObject({ status: 'pending', attempts: 0 })
    expect((await s.http.post(`/api/admin/outbox/${row.id}/replay`, undefined, { token: admin })).status).toBe(409)
    await deliver(c.id, new Date(now))
    await deliver(c.id, new Date(now))
    expect((await outboxOf(c.id)).map((r: { status: string }) => r.status)).toEqual(['delivered', 'delivered'])
  })

  it('dead-letters at once a message the platform refuses as such', async () => {
    const c = await newCase()
    fake.script.push('reject')
    await deliver(c.id)
    expect((await outboxOf(c.id))[0]).toMatchObject({ status: 'dead', attempts: 1, last_error: 'HTTP 400' })
  })

  describe('signed callbacks', () => {
    const callback = (body: object, secret = fake.secret) => {
      const raw = JSON.stringify(body)
      return s.http.post(`/api/integrations/grid/${platformId}/callback`, undefined, {
        raw, headers: { 'X-Anju-Signature': signBody(secret, raw) },
      })
    }

    it('moves a case once per callback id, however often it is sent', async () => {
      const c = await newCase()
      const body = { callbackId: `cb-${randomUUID()}`, caseNumber: c.number, action: 'accept', note: '平台已受理' }
      const first = await callback(body)
      expect(first.status).toBe(200)
      expect(first.body).toEqual({ caseNumber: c.number, status: 'accepted', replayed: false })
      const second = await callback(body)
      expect(second.body).toEqual({ caseNumber: c.number, status: 'accepted', replayed: true })
      const events = await s.database.db('case_events').where({ case_id: c.id }).orderBy('id')
      expect(events.map((e: { kind: string }) => e.kind)).toEqual(['submit', 'accept'])

      const dispatched = await callback({ callbackId: `cb-${randomUUID()}`, caseNumber: c.number, action: 'dispatch', assigneeUsername: 'grid' })
      expect(dispatched.body.status).toBe('dispatched')
      const resolved = await callback({ callbackId: `cb-${randomUUID()}`, caseNumber: c.number, action: 'resolve', note: '已处置', outcome: 'fixed' })
      expect(resolved.body.status).toBe('resolved')
      const detail = await s.http.get(`/api/cases/${c.id}`, { token: staff })
      expect(detail.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['submit', 'accept', 'dispatch', 'start', 'resolve'])
      expect(detail.body.timeline[1].actor.displayName).toBe('外部平台：岳塘区网格化平台')
      expect(detail.body.actions).toContain('verify')
    })

    it('refuses a bad signature, an unknown platform and an illegal move, changing nothing', async () => {
      const c = await newCase()
      const body = { callbackId: `cb-${randomUUID()}`, caseNumber: c.number, action: 'accept' }
      const forged = await callback(body, 'not-the-secret-0123456789')
      expect(forged.status).toBe(401)
      expect(forged.body.error.code).toBe('SIGNATURE_INVALID')
      const raw = JSON.stringify(body)
      const unknown = await s.http.post('/api/integrations/grid/99999/callback', undefined, { raw, headers: { 'X-Anju-Signature': signBody(fake.secret, raw) } })
      expect(unknown.status).toBe(401)
      const early = await callback({ ...body, action: 'resolve' })
      expect(early.status).toBe(409)
      expect((await s.database.db('cases').where({ id: c.id }).first()).status).toBe('submitted')
      expect(await s.database.db('grid_callbacks').where({ case_id: c.id })).toHaveLength(0)
      const elsewhere = (await fileReport(s, await s.http.residentToken(), { location: { lat: 27.854, lng: 112.944, address: '和平社区' } })).body.case
      const outOfRegion = await callback({ callbackId: `cb-${randomUUID()}`, caseNumber: elsewhere.number, action: 'accept' })
      expect(outOfRegion.status).toBe(404)
    })
  })

  describe('SLA supervision', () => {
    it('marks an overdue case once, records 督办 and notifies the level above, then a level higher at twice the span', async () => {
      const c = await newCase({ kind: 'hazard', categoryCode: 'fire_safety', text: '楼道堆满杂物，消防通道被堵' })
      // 消防安全 is red: 1 hour to respond, 24 to resolve.
      const later = new Date(Date.now() + 1.5 * HOUR)
      const first = await superviseOverdueCases(s.app.services, later, { ids: [c.id] })
      expect(first.processed).toBe(1)
      expect((await superviseOverdueCases(s.app.services, later, { ids: [c.id] })).processed).toBe(0)
      const row = await s.database.db('cases').where({ id: c.id }).first()
      expect(Boolean(row.response_overdue)).toBe(true)
      expect(Boolean(row.resolve_overdue)).toBe(false)
      const events = await s.database.db('case_events').where({ case_id: c.id, kind: 'supervise' })
      expect(events).toHaveLength(1)
      expect(events[0].actor_id).toBeNull()
      const centre = await s.database.db('users').where({ username: 'centre' }).first()
      const noticesFor = async () => s.database.db('outbox_messages').where({ case_id: c.id, destination: 'inbox' }).orderBy('id')
      const queued = await noticesFor()
      expect(queued.map((n: { user_id: number }) => Number(n.user_id))).toEqual([Number(centre.id)])
      await deliverOutbox(s.app.services, later, { streamIds: queued.map((q: { stream_id: number }) => Number(q.stream_id)) })
      const inApp = await s.http.get('/api/my/notifications', { token: await s.http.staffToken('centre') })
      expect(inApp.body.items[0]).toMatchObject({
        caseId: c.id, kind: 'case_supervised', read: false, title: '超期督办', page: `/packages/workbench/pages/case/index?id=${c.id}`,
      })
      expect(inApp.body.items[0].body).toContain(c.number)
      // The supervision is forwarded like any other event.
      expect((await outboxOf(c.id)).length).toBe(2)
      const inbox = await s.http.get('/api/staff/cases?overdue=true&limit=50', { token: staff })
      expect(inbox.body.items.map((x: { id: number }) => x.id)).toContain(c.id)
      // Still unanswered at twice the span: 二次督办, to the level above the street (nobody at the district: the city).
      const twice = new Date(Date.now() + 2.5 * HOUR)
      expect((await superviseOverdueCases(s.app.services, twice, { ids: [c.id] })).processed).toBe(1)
      expect((await superviseOverdueCases(s.app.services, twice, { ids: [c.id] })).processed).toBe(0)
      const admin = await s.database.db('users').where({ username: 'admin' }).first()
      expect((await noticesFor()).map((n: { user_id: number }) => Number(n.user_id))).toEqual([Number(centre.id), Number(admin.id)])
      const notes = (await s.database.db('case_events').where({ case_id: c.id, kind: 'supervise' }).orderBy('id')).map((e: { note: string }) => e.note)
      expect(notes).toEqual(['超过受理时限，已督办', '二次督办：超过受理时限已达两倍时长'])
      // Past the resolve deadline as well: a separate supervision of that deadline.
      const muchLater = new Date(Date.now() + 25 * HOUR)
      expect((await superviseOverdueCases(s.app.services, muchLater, { ids: [c.id] })).processed).toBe(1)
      expect(await s.database.db('case_events').where({ case_id: c.id, kind: 'supervise' })).toHaveLength(3)
    })

    it('does not escalate a second time once the case was answered', async () => {
      const c = await newCase({ kind: 'hazard', categoryCode: 'fire_safety', text: '小区消防栓被圈占使用' })
      await superviseOverdueCases(s.app.services, new Date(Date.now() + 1.5 * HOUR), { ids: [c.id] })
      await act(s, staff, c.id, { action: 'accept' })
      expect((await superviseOverdueCases(s.app.services, new Date(Date.now() + 2.5 * HOUR), { ids: [c.id] })).processed).toBe(0)
      expect(await s.database.db('case_supervisions').where({ case_id: c.id })).toMatchObject([{ state: 'done', second_at: null }])
    })

    it('leaves answered and closed cases alone', async () => {
      const c = await newCase({ kind: 'hazard', categoryCode: 'fire_safety', text: '电动车在楼道内充电' })
      await act(s, staff, c.id, { action: 'reject', reason: '已由物业当场处理' })
      expect((await superviseOverdueCases(s.app.services, new Date(Date.now() + 48 * HOUR), { ids: [c.id] })).processed).toBe(0)
    })
  })

  it('lets an admin redraw a grid, and new reports land by the new area', async () => {
    const g2 = await s.database.db('regions').where({ code: 'XT-YT-JSL-XFL-G2' }).first()
    const community = await s.database.db('regions').where({ code: 'XT-YT-JSL-XFL' }).first()
    // Far north of every demo grid: today the nearest grid (幸福里第一网格) takes it.
    const north = { lat: 27.9, lng: 112.937 }
    const before = await fileReport(s, await s.http.residentToken(), { location: { ...north, address: '北边' } })
    expect(before.body.case.grid.name).toBe('幸福里第一网格')
    const ring = [[27.895, 112.932], [27.895, 112.942], [27.905, 112.942], [27.905, 112.932]]
    const set = await s.http.request('PUT', `/api/admin/grids/${g2.id}/area`, { polygon: ring }, { token: admin })
    expect(set.body).toEqual({ regionId: g2.id, polygon: ring, datum: 'gcj02' })
    const after = await fileReport(s, await s.http.residentToken(), { location: { lat: 27.903, lng: 112.937, address: '北边' } })
    expect(after.body.case.grid.name).toBe('幸福里第二网格')
    expect((await s.http.request('PUT', `/api/admin/grids/${community.id}/area`, { polygon: ring }, { token: admin })).body.error.code).toBe('GRID_AREA_NOT_GRID')
    expect((await s.http.request('PUT', `/api/admin/grids/${g2.id}/area`, { polygon: ring.slice(0, 2) }, { token: admin })).status).toBe(400)
    expect((await s.http.request('PUT', `/api/admin/grids/${g2.id}/area`, { polygon: ring }, { token: staff })).status).toBe(403)
  })
})
