import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverOutbox } from '../../jobs/deliverOutbox'
import { act, fileReport } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

const TEMPLATES = {
  case_accepted: {
    templateId: 'TPL-ACCEPTED',
    data: { character_string1: '{caseNumber}', thing2: '{category}：{address}', phrase3: '{status}', time4: '{time}' },
  },
  case_resolved: { templateId: 'TPL-RESOLVED', data: { character_string1: '{caseNumber}', thing2: '{note}' } },
  case_rejected: { templateId: 'TPL-REJECTED', data: { character_string1: '{caseNumber}', thing2: '{reason}' } },
  redemption_ready: { templateId: 'TPL-REDEEMED', data: { thing1: '{reward}', thing2: '{place}', time3: '{deadline}' } },
}

describe.each(testDatabaseKinds())('notifications on %s', (kind) => {
  let s: TestServer
  let staff: string

  beforeAll(async () => {
    s = await startTestServer(kind, {
      env: { WECHAT_SUBSCRIBE_TEMPLATES: JSON.stringify(TEMPLATES), WECHAT_SEND_BACKOFF_MS: '1000', WECHAT_SEND_MAX_ATTEMPTS: '4', METRICS_TOKEN: 'metrics-token-0123456789' },
    })
    for (const t of Object.values(TEMPLATES)) s.wechat.templates.set(t.templateId, Object.keys(t.data))
    staff = await s.http.staffToken('staff')
  })
  afterAll(async () => {
    await s?.close()
  })

  /** Runs the outbox as the worker would, until nothing more is due at `now`. */
  const drain = async (now = new Date()) => {
    for (let i = 0; i < 10; i++) if ((await deliverOutbox(s.app.services, now)).processed === 0) return
  }
  const wechatResident = async () => {
    const openid = `o-${randomUUID().slice(0, 12)}`
    const login = await s.http.post('/api/auth/wechat', { code: s.wechat.issueCode(openid) })
    expect(login.status).toBe(200)
    return { openid, token: login.body.accessToken as string, id: Number(login.body.user.id) }
  }
  const subscribe = (token: string, results: { templateId: string; choice: string }[]) =>
    s.http.post('/api/my/subscriptions', { results }, { token, idempotencyKey: `s-${randomUUID()}` })

  describe('the in-app inbox', () => {
    it('tells the reporter their case was accepted, with the page that opens it, and counts it unread', async () => {
      const resident = await s.http.residentToken()
      const c = (await fileReport(s, resident)).body.case
      await act(s, staff, c.id, { action: 'accept' })
      expect((await s.http.get('/api/my/notifications', { token: resident })).body).toEqual({ items: [], next: null, unread: 0 })
      await drain()
      const inbox = await s.http.get('/api/my/notifications', { token: resident })
      expect(inbox.body.unread).toBe(1)
      expect(inbox.body.items).toHaveLength(1)
      expect(inbox.body.items[0]).toMatchObject({
        kind: 'case_accepted', title: '诉求已受理', caseId: c.id, read: false, page: `/packages/report/pages/detail/index?id=${c.id}`,
      })
      expect(inbox.body.items[0].body).toBe(`您反映的“噪音扰民”（${c.number}）已受理，我们会尽快处理`)
      // The handler is not told about their own move, and the reporter is not told about submitting.
      expect((await s.http.get('/api/my/notifications', { token: staff })).body.items.filter((n: { caseId: number }) => n.caseId === c.id)).toEqual([])
      // Delivering again adds nothing.
      await s.database.db('outbox_streams').update({ state: 'ready', due_at: new Date(0), next_seq: 1, lease_token: null })
        .where('stream_key', 'like', 'inbox:user:%')
      await drain()
      expect((await s.http.get('/api/my/notifications', { token: resident })).body.items).toHaveLength(1)
    })

    it('pages newest first by time, marks one and all read, and keeps others\' notices out of reach', async () => {
      const resident = await s.http.residentToken()
      const cases = []
      for (let i = 0; i < 5; i++) cases.push((await fileReport(s, resident)).body.case)
      for (const c of cases) await act(s, staff, c.id, { action: 'accept' })
      await drain()
      const first = await s.http.get('/api/my/notifications?limit=2', { token: resident })
      expect(first.body.items.map((n: { caseId: number }) => n.caseId)).toEqual([cases[4].id, cases[3].id])
      expect(first.body.unread).toBe(5)
      const second = await s.http.get(`/api/my/notifications?limit=2&cursor=${first.body.next}`, { token: resident })
      expect(second.body.items.map((n: { caseId: number }) => n.caseId)).toEqual([cases[2].id, cases[1].id])
      const third = await s.http.get(`/api/my/notifications?limit=2&cursor=${second.body.next}`, { token: resident })
      expect(third.body.items.map((n: { caseId: number }) => n.caseId)).toEqual([cases[0].id])
      expect(third.body.next).toBeNull()
      expect((await s.http.get('/api/my/notifications?cursor=nonsense', { token: resident })).body.error.code).toBe('VALIDATION_FAILED')

      const one = first.body.items[0]
      const read = await s.http.post(`/api/my/notifications/${one.id}/read`, undefined, { token: resident, idempotencyKey: `r-${randomUUID()}` })
      expect(read.body).toMatchObject({ id: one.id, read: true })
      expect((await s.http.get('/api/my/notifications', { token: resident })).body.unread).toBe(4)
      const stranger = await s.http.residentToken()
      expect((await s.http.post(`/api/my/notifications/${one.id}/read`, undefined, { token: stranger })).status).toBe(404)
      expect((await s.http.post(`/api/my/notifications/not-a-uuid/read`, undefined, { token: stranger })).status).toBe(400)
      const all = await s.http.post('/api/my/notifications/read-all', undefined, { token: resident, idempotencyKey: `ra-${randomUUID()}` })
      expect(all.body).toEqual({ unread: 0 })
      const after = await s.http.get('/api/my/notifications', { token: resident })
      expect(after.body.unread).toBe(0)
      expect(after.body.items.every((n: { read: boolean }) => n.read)).toBe(true)
      expect((await s.http.get('/api/my/notifications')).status).toBe(401)
    })

    it('tells a resident their reward is waiting, and opens the redemption', async () => {
      const resident = await s.make.resident()
      await s.make.givePoints(resident.id, 100)
      const rewardId = await s.make.reward({ cost: 30 })
      const redeemed = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: resident.token, idempotencyKey: `x-${randomUUID()}` })
      expect(redeemed.status).toBe(201)
      await drain()
      const inbox = await s.http.get('/api/my/notifications', { token: resident.token })
      expect(inbox.body.items[0]).toMatchObject({ kind: 'redemption_ready', page: `/packages/mall/pages/redemption/index?id=${redeemed.body.id}` })
    })
  })

  describe('WeChat subscribe messages', () => {
    it('offers the templates configured for the moment, and records only what was allowed', async () => {
      const r = await wechatResident()
      const offered = await s.http.get('/api/my/subscriptions/templates?moment=report', { token: r.token })
      expect(offered.body.templateIds).toEqual(['TPL-ACCEPTED', 'TPL-RESOLVED', 'TPL-REJECTED'])
      expect((await s.http.get('/api/my/subscriptions/templates?moment=patrol', { token: r.token })).body.templateIds).toEqual([])
      expect((await s.http.get('/api/my/subscriptions/templates?moment=nowhere', { token: r.token })).status).toBe(400)
      const recorded = await subscribe(r.token, [
        { templateId: 'TPL-ACCEPTED', choice: 'accept' }, { templateId: 'TPL-RESOLVED', choice: 'reject' }, { templateId: 'TPL-UNKNOWN', choice: 'accept' },
      ])
      expect(recorded.body).toEqual({ granted: ['TPL-ACCEPTED'] })
      const grants = await s.database.db('subscribe_grants').where({ user_id: r.id })
      expect(grants.map((g: { template_id: string; remaining: number }) => [g.template_id, Number(g.remaining)])).toEqual([['TPL-ACCEPTED', 1]])
    })

    it('sends the accepted notice once per grant, opening the case, through a cached stable token', async () => {
      const r = await wechatResident()
      await subscribe(r.token, [{ templateId: 'TPL-ACCEPTED', choice: 'accept' }])
      s.wechat.grant(r.openid, 'TPL-ACCEPTED')
      const c = (await fileReport(s, r.token)).body.case
      await act(s, staff, c.id, { action: 'accept' })
      const tokensBefore = s.wechat.tokenRequests
      await drain()
      const sent = s.wechat.sent.filter((m) => m.touser === r.openid)
      expect(sent).toHaveLength(1)
      expect(sent[0]).toMatchObject({
        template_id: 'TPL-ACCEPTED', page: `packages/report/pages/detail/index?id=${c.id}`, miniprogram_state: 'formal', lang: 'zh_CN',
        data: { character_string1: { value: c.number }, phrase3: { value: '已受理' } },
      })
      expect(Array.from(sent[0]!.data.thing2!.value).length).toBeLessThanOrEqual(20)
      expect(sent[0]!.data.thing2!.value.startsWith('噪音扰民：')).toBe(true)
      expect(sent[0]!.data.time4!.value).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/)
      expect(Number((await s.database.db('subscribe_grants').where({ user_id: r.id, template_id: 'TPL-ACCEPTED' }).first()).remaining)).toBe(0)
      expect(s.wechat.tokenRequests - tokensBefore).toBeLessThanOrEqual(1)
      // The grant is used up: the next notice of that kind stays in the inbox only.
      const c2 = (await fileReport(s, r.token, { categoryCode: 'sanitation' })).body.case
      await act(s, staff, c2.id, { action: 'accept' })
      await drain()
      const wechatRow = await s.database.db('outbox_messages').where({ destination: 'wechat', case_id: c2.id })
      expect(wechatRow).toHaveLength(0)
      expect(s.wechat.sent.filter((m) => m.touser === r.openid)).toHaveLength(1)
      expect((await s.http.get('/api/my/notifications', { token: r.token })).body.items.map((n: { caseId: number }) => n.caseId)).toEqual([c2.id, c.id])
    })

    it('skips a message WeChat refuses (43101) without retrying, forgets the grant, and goes on with the next', async () => {
      const r = await wechatResident()
      // We recorded an "allow", but WeChat no longer has it (the user turned the template off in settings).
      await subscribe(r.token, [{ templateId: 'TPL-ACCEPTED', choice: 'accept' }, { templateId: 'TPL-REJECTED', choice: 'accept' }])
      s.wechat.grant(r.openid, 'TPL-REJECTED')
      const a = (await fileReport(s, r.token)).body.case
      const b = (await fileReport(s, r.token, { categoryCode: 'sanitation' })).body.case
      await act(s, staff, a.id, { action: 'accept' })
      await act(s, staff, b.id, { action: 'reject', reason: '该问题已由环卫部门处理完毕' })
      await drain()
      const rows = await s.database.db('outbox_messages').where({ destination: 'wechat', user_id: r.id }).orderBy('seq')
      expect(rows.map((m: { status: string }) => m.status)).toEqual(['skipped', 'delivered'])
      expect(rows[0].last_error).toMatch(/^refused: 43101/)
      expect(s.wechat.sendAttempts.filter((x) => x.body.touser === r.openid).map((x) => x.errcode)).toEqual([43101, 0])
      expect(Number((await s.database.db('subscribe_grants').where({ user_id: r.id, template_id: 'TPL-ACCEPTED' }).first()).remaining)).toBe(0)
      const sent = s.wechat.sent.find((m) => m.touser === r.openid)!
      expect(sent.data.thing2!.value).toBe('该问题已由环卫部门处理完毕')
    })

    it('refreshes an expired access token once and sends; backs off on 45009; dead-letters bad template data', async () => {
      const r = await wechatResident()
      for (let i = 0; i < 3; i++) await subscribe(r.token, [{ templateId: 'TPL-ACCEPTED', choice: 'accept' }])
      for (let i = 0; i < 3; i++) s.wechat.grant(r.openid, 'TPL-ACCEPTED')

      // Expired token (42001): one refresh, one more try, delivered.
      s.wechat.expireTokens()
      const tokensBefore = s.wechat.tokenRequests
      const a = (await fileReport(s, r.token)).body.case
      await act(s, staff, a.id, { action: 'accept' })
      await drain()
      expect(s.wechat.sendAttempts.filter((x) => x.body.touser === r.openid).map((x) => x.errcode)).toEqual([42001, 0])
      expect(s.wechat.tokenRequests - tokensBefore).toBe(1)

      // Over quota (45009): retried after the back-off, with the same grant.
      s.wechat.sendScript.push(45009)
      const b = (await fileReport(s, r.token, { categoryCode: 'sanitation' })).body.case
      await act(s, staff, b.id, { action: 'accept' })
      const t0 = new Date()
      await drain(t0)
      const bRow = () => s.database.db('outbox_messages').where({ destination: 'wechat', case_id: b.id }).first()
      expect(await bRow()).toMatchObject({ status: 'pending', attempts: 1 })
      await drain(new Date(t0.getTime() + 500))
      expect((await bRow()).status).toBe('pending')
      await drain(new Date(t0.getTime() + 1500))
      expect((await bRow()).status).toBe('delivered')
      expect(await s.database.db('subscribe_sends').where({ outbox_message_id: (await bRow()).id })).toHaveLength(1)

      // Template data WeChat refuses (47003): a dead letter at once, for the city's admin to see and replay.
      s.wechat.templates.set('TPL-ACCEPTED', [...Object.keys(TEMPLATES.case_accepted.data), 'thing9'])
      const c = (await fileReport(s, r.token, { categoryCode: 'facility_damage', text: '小区路灯坏了好几天，晚上很黑' })).body.case
      await act(s, staff, c.id, { action: 'accept' })
      await drain(new Date(t0.getTime() + 60_000))
      const dead = await s.database.db('outbox_messages').where({ destination: 'wechat', case_id: c.id }).first()
      expect(dead).toMatchObject({ status: 'dead', attempts: 1 })
      expect(dead.last_error).toMatch(/^47003/)
      s.wechat.templates.set('TPL-ACCEPTED', Object.keys(TEMPLATES.case_accepted.data))
      const admin = await s.http.staffToken('admin')
      const letters = await s.http.get('/api/admin/outbox/dead', { token: admin })
      expect(letters.body.items.find((m: { id: number }) => m.id === Number(dead.id))).toMatchObject({
        destination: 'wechat', caseId: c.id, caseNumber: c.number, recipientId: r.id, platformId: null,
      })
      const replayed = await s.http.post(`/api/admin/outbox/${dead.id}/replay`, undefined, { token: admin, idempotencyKey: `rp-${randomUUID()}` })
      expect(replayed.body).toMatchObject({ status: 'pending', destination: 'wechat' })
      await drain(new Date(t0.getTime() + 61_000))
      expect((await s.database.db('outbox_messages').where({ id: dead.id }).first()).status).toBe('delivered')
      // The replay used the grant the first attempt took, not another.
      expect(await s.database.db('subscribe_sends').where({ outbox_message_id: dead.id })).toHaveLength(1)
    })
  })

  describe('the workbench 待办', () => {
    it('counts what awaits acceptance, what is in hand and what is overdue, nearest deadline first; grid workers see theirs', async () => {
      const resident = await s.http.residentToken()
      const noise = (await fileReport(s, resident)).body.case
      const parking = (await fileReport(s, resident, { kind: 'violation', categoryCode: 'illegal_parking', plate: '湘C12345', text: '白色轿车长期占用消防通道' })).body.case
      const todo = await s.http.get('/api/staff/todo', { token: staff })
      expect(todo.status).toBe(200)
      const ids = todo.body.items.map((x: { id: number }) => x.id)
      expect(ids).toContain(noise.id)
      expect(ids).toContain(parking.id)
      const dueTimes = todo.body.items.map((x: { dueAt: string }) => Date.parse(x.dueAt))
      expect([...dueTimes].sort((a, b) => a - b)).toEqual(dueTimes)
      expect(todo.body.items.find((x: { id: number }) => x.id === parking.id)).toMatchObject({ dueKind: 'response', dueAt: parking.responseDueAt })
      expect(todo.body.counts.awaitingAcceptance).toBeGreaterThanOrEqual(2)

      const worker = await s.database.db('users').where({ username: 'grid' }).first()
      const gridToken = await s.http.staffToken('grid')
      const before = (await s.http.get('/api/staff/todo', { token: gridToken })).body
      await act(s, staff, noise.id, { action: 'accept' })
      await act(s, staff, noise.id, { action: 'dispatch', assigneeId: worker.id })
      const mine = (await s.http.get('/api/staff/todo', { token: gridToken })).body
      expect(mine.counts.assigned).toBe(before.counts.assigned + 1)
      expect(mine.counts.awaitingAcceptance).toBe(0)
      expect(mine.items.find((x: { id: number }) => x.id === noise.id)).toMatchObject({ dueKind: 'resolve', status: 'dispatched' })
      expect(mine.items.find((x: { id: number }) => x.id === parking.id)).toBeUndefined()
      // The worker hears of it in the inbox, opening the workbench case page.
      await drain()
      const notices = (await s.http.get('/api/my/notifications', { token: gridToken })).body.items
      expect(notices.find((n: { caseId: number }) => n.caseId === noise.id)).toMatchObject({
        kind: 'case_assigned', page: `/packages/workbench/pages/case/index?id=${noise.id}`,
      })
      expect((await s.http.get('/api/staff/todo', { token: resident })).status).toBe(403)
    })
  })

  describe('GET /metrics', () => {
    it('answers a local scraper and a token holder in Prometheus format, and nobody else', async () => {
      const res = await fetch(`${s.url}/metrics`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain('text/plain')
      const text = await res.text()
      const series = (name: string, labels: Record<string, string>) =>
        text.split('\n').filter((line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      for (const destination of ['grid_platform', 'wechat', 'inbox']) {
        expect(series('anju_outbox_depth', { destination })).toHaveLength(1)
        expect(series('anju_outbox_oldest_age_seconds', { destination })).toHaveLength(1)
      }
      expect(series('anju_outbox_dead_letters', { destination: 'wechat' })[0]).toMatch(/ 0$/)
      expect(Number(series('anju_outbox_deliveries_total', { destination: 'inbox', outcome: 'delivered' })[0]!.split(' ').at(-1))).toBeGreaterThan(0)
      expect(series('anju_outbox_deliveries_total', { destination: 'wechat', outcome: 'skipped' })).toHaveLength(1)
      expect(series('anju_outbox_failures_total', { destination: 'wechat' })).toHaveLength(1)
      expect(series('anju_http_request_duration_seconds_bucket', { route: '/api/my/notifications', method: 'GET', status: '200' }).length).toBeGreaterThan(0)
      // Through a proxy (or from elsewhere) it is not there, unless the token is shown.
      expect((await fetch(`${s.url}/metrics`, { headers: { 'X-Forwarded-For': '203.0.113.9' } })).status).toBe(404)
      const withToken = await fetch(`${s.url}/metrics`, { headers: { 'X-Forwarded-For': '203.0.113.9', Authorization: 'Bearer metrics-token-0123456789' } })
      expect(withToken.status).toBe(200)
      expect((await fetch(`${s.url}/metrics`, { headers: { 'X-Forwarded-For': '203.0.113.9', Authorization: 'Bearer wrong' } })).status).toBe(404)
    })
  })
})
