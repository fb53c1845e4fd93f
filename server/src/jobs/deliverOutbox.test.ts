import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { act, fileReport, HP_G1 } from '../testing/cases'
import { testDatabaseKinds } from '../testing/databases'
import { startFakeGridPlatform, type FakeGridPlatform } from '../testing/fakeGridPlatform'
import { startTestServer, type TestServer } from '../testing/server'
import { deliverOutbox } from './deliverOutbox'

/** More blocked messages than one batch looks at (the old dispatcher took the 50 oldest pending rows). */
const BLOCKED_CASES = 60

describe.each(testDatabaseKinds())('the outbox on %s', (kind) => {
  let s: TestServer
  let down: FakeGridPlatform
  let up: FakeGridPlatform
  let admin: string
  let staff: string

  const regionId = async (code: string) => Number((await s.database.db('regions').where({ code }).first()).id)
  const register = async (code: string, name: string, fake: FakeGridPlatform) => {
    const res = await s.http.post('/api/admin/grid-platforms', { regionId: await regionId(code), name, url: fake.url, secret: fake.secret }, { token: admin })
    expect(res.status).toBe(201)
    return Number(res.body.id)
  }

  beforeAll(async () => {
    down = await startFakeGridPlatform()
    up = await startFakeGridPlatform()
    // One attempt, then a dead letter: the quickest way to a platform that blocks every case it has.
    s = await startTestServer(kind, {
      env: { GRID_PLATFORM_MAX_ATTEMPTS: '1', GRID_PLATFORM_TIMEOUT_MS: '2000', REPORTS_PER_HOUR: '1000', REPORTS_PER_DAY: '1000' },
    })
    admin = await s.http.staffToken('admin')
    staff = await s.http.staffToken('staff')
  })
  afterAll(async () => {
    await s?.close()
    await down?.close()
    await up?.close()
  })

  it('keeps delivering to a working platform while another is down with more blocked messages than a batch', { timeout: 240_000 }, async () => {
    down.down = true
    const downId = await register('XT-YT-JSL-XFL', '幸福里社区平台（故障）', down)
    const upId = await register('XT-YT-JSL-HP', '和平社区平台', up)
    const resident = await s.http.residentToken()
    for (let i = 0; i < BLOCKED_CASES; i += 10) {
      const filed = await Promise.all(Array.from({ length: 10 }, () => fileReport(s, resident)))
      expect(filed.map((f) => [f.status, f.body.duplicate])).toEqual(Array(10).fill([201, false]))
      const accepted = await Promise.all(filed.map((f) => act(s, staff, f.body.case.id, { action: 'accept' })))
      expect(accepted.map((a) => a.status)).toEqual(Array(10).fill(200))
    }
    // Every case's first message fails and becomes a dead letter; its accept waits behind it.
    for (let run = 0; run < 5; run++) {
      if ((await deliverOutbox(s.app.services, new Date())).processed === 0) break
    }
    const downRows = await s.database.db('outbox_messages').where({ platform_id: downId })
    expect(downRows.filter((r: { status: string }) => r.status === 'pending').length).toBeGreaterThan(50)

    const fresh = await fileReport(s, await s.http.residentToken(), { location: { ...HP_G1, address: '和平社区 8 栋' } })
    expect(fresh.status).toBe(201)
    const [row] = await s.database.db('outbox_messages').where({ platform_id: upId, case_id: fresh.body.case.id })
    expect(row).toBeDefined()
    await deliverOutbox(s.app.services, new Date())
    expect(up.processed).toContain(row.idempotency_key)
    expect((await s.database.db('outbox_messages').where({ id: row.id }).first()).status).toBe('delivered')
    // The down platform's cases all reached their dead letter, and nothing was sent past one.
    const deadNow = await s.database.db('outbox_messages').where({ platform_id: downId, status: 'dead' })
    expect(deadNow).toHaveLength(BLOCKED_CASES)
    expect(down.received.map((r) => r.body.event.kind)).not.toContain('accept')
  })

  it('forwards a confidential clue only to platforms at the level that handles it, never to a community\'s', async () => {
    const street = new Set([await register('XT-YT-JSL', '建设路街道综治平台', up)])
    const community = await s.database.db('grid_platforms').where({ region_id: await regionId('XT-YT-JSL-XFL') }).pluck('id')
    const clue = await fileReport(s, await s.http.residentToken(), {
      kind: 'hazard', categoryCode: 'drug_clue', text: '小区地下室夜间常有陌生人聚集，疑似吸毒',
    })
    expect(clue.status).toBe(201)
    const clueRows = await s.database.db('outbox_messages').where({ case_id: clue.body.case.id, destination: 'grid_platform' })
    expect(clueRows.map((r: { platform_id: number }) => Number(r.platform_id))).toEqual([...street])
    // An ordinary case in the same community goes to the community's platform and the street's.
    const plain = await fileReport(s, await s.http.residentToken())
    const plainRows = await s.database.db('outbox_messages').where({ case_id: plain.body.case.id, destination: 'grid_platform' })
    expect(plainRows.map((r: { platform_id: number }) => Number(r.platform_id)).sort()).toEqual([...community.map(Number), ...street].sort())
  })

  it('lets a crashed worker\'s lease run out, then delivers the stream once', async () => {
    const c = await fileReport(s, await s.http.residentToken(), { categoryCode: 'sanitation', location: { ...HP_G1, address: '和平社区 2 栋' } })
    expect(c.body.duplicate).toBe(false)
    const row = await s.database.db('outbox_messages').where({ case_id: c.body.case.id, destination: 'grid_platform' }).first()
    const t0 = new Date()
    // A worker leased the stream for 10 s and died.
    await s.database.db('outbox_streams').where({ id: row.stream_id }).update({ lease_token: randomUUID(), due_at: new Date(t0.getTime() + 10_000) })
    await deliverOutbox(s.app.services, new Date(t0.getTime() + 5_000), { streamIds: [Number(row.stream_id)] })
    expect((await s.database.db('outbox_messages').where({ id: row.id }).first()).status).toBe('pending')
    expect(up.received.filter((r) => r.idempotencyKey === row.idempotency_key)).toHaveLength(0)
    await deliverOutbox(s.app.services, new Date(t0.getTime() + 11_000), { streamIds: [Number(row.stream_id)] })
    expect((await s.database.db('outbox_messages').where({ id: row.id }).first()).status).toBe('delivered')
    expect(up.received.filter((r) => r.idempotencyKey === row.idempotency_key)).toHaveLength(1)
  })
})
