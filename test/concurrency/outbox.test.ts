import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from '../../server/src/db/knex'
import { withTransaction } from '../../server/src/db/transaction'
import { createWechatClient } from '../../server/src/integrations/wechat'
import { deliverOutbox } from '../../server/src/jobs/deliverOutbox'
import { createMetrics } from '../../server/src/metrics'
import { outboxRepo } from '../../server/src/repositories/outbox'
import { fileReport } from '../../server/src/testing/cases'
import { testDatabaseKinds } from '../../server/src/testing/databases'
import { startFakeGridPlatform, type FakeGridPlatform } from '../../server/src/testing/fakeGridPlatform'
import { startTestServer, type TestServer } from '../../server/src/testing/server'

const CASES = 50
const EVENTS_PER_CASE = 20

/**
 * Two workers, each with its own database connections and its own loop (as two `main.ts worker` processes
 * have), share one database and deliver 1,000 events to a platform that fails one call in five. The platform, like a real one, checks the idempotency key: every event
 * must be acted on exactly once, each case's events in the order they were written, and no event may be
 * answered 200 twice (which would mean two workers sent it at once).
 */
describe.each(testDatabaseKinds())('two outbox workers on %s', (kind) => {
  let s: TestServer
  let fake: FakeGridPlatform
  const workers: { db: Db; stopped: boolean; done: Promise<void> }[] = []

  beforeAll(async () => {
    fake = await startFakeGridPlatform()
    s = await startTestServer(kind, {
      env: {
        REPORTS_PER_HOUR: '1000', REPORTS_PER_DAY: '1000', GRID_PLATFORM_TIMEOUT_MS: '5000', GRID_PLATFORM_BACKOFF_MS: '200',
        GRID_PLATFORM_MAX_ATTEMPTS: '30',
      },
    })
  })
  afterAll(async () => {
    for (const w of workers) w.stopped = true
    await Promise.all(workers.map((w) => w.done))
    await Promise.all(workers.map((w) => w.db.destroy()))
    await s?.close()
    await fake?.close()
  })

  it('delivers every event exactly once per stream, in order, while one call in five fails', { timeout: 240_000 }, async () => {
    const resident = await s.http.residentToken()
    const caseIds: number[] = []
    for (let i = 0; i < CASES; i++) {
      const filed = await fileReport(s, resident, { text: `第 ${i + 1} 件：楼下深夜施工噪音` })
      expect(filed.status).toBe(201)
      caseIds.push(filed.body.case.id)
    }
    const admin = await s.http.staffToken('admin')
    const community = await s.database.db('regions').where({ code: 'XT-YT-JSL-XFL' }).first()
    const platform = await s.http.post('/api/admin/grid-platforms', { regionId: community.id, name: '压力测试平台', url: fake.url, secret: fake.secret }, { token: admin })
    expect(platform.status).toBe(201)

    // 1,000 events, each written in its own transaction, the cases interleaved as real traffic would be.
    const expected = new Map<number, string[]>()
    for (let n = 1; n <= EVENTS_PER_CASE; n++) {
      for (const caseId of caseIds) {
        const key = `load-${caseId}-${n}`
        expected.set(caseId, [...(expected.get(caseId) ?? []), key])
        await withTransaction(s.database.db, (trx) => outboxRepo.append(trx, {
          destination: 'grid_platform', streamKey: `grid_platform:${platform.body.id}:case:${caseId}`, idempotencyKey: key,
          payload: JSON.stringify({ caseId, n }), platformId: platform.body.id, caseId, now: new Date(),
        }))
      }
    }

    fake.failEvery = 5
    // Each worker polls every 250 ms, with connections of its own: leases are all they share.
    for (let i = 0; i < 2; i++) {
      const db = createDb(s.database.config)
      const services = { db, config: s.config, logger: pino({ level: 'silent' }), wechat: createWechatClient(s.config.wechat), metrics: createMetrics(db) }
      const worker = { db, stopped: false, done: Promise.resolve() }
      worker.done = (async () => {
        while (!worker.stopped) {
          await deliverOutbox(services, new Date())
          await new Promise((resolve) => setTimeout(resolve, 250))
        }
      })()
      workers.push(worker)
    }

    const total = CASES * EVENTS_PER_CASE
    await expect.poll(() => new Set(fake.processed).size, { timeout: 180_000, interval: 500 }).toBe(total)
    await expect.poll(async () => Number((await s.database.db('outbox_messages').where({ status: 'delivered', destination: 'grid_platform' }).count({ n: '*' }).first())!.n), { timeout: 30_000 })
      .toBe(total)

    const ok = fake.received.filter((r) => r.status === 200)
    const failed = fake.received.filter((r) => r.status === 503)
    expect(failed.length).toBeGreaterThanOrEqual(Math.floor(fake.received.length / 5))
    expect(fake.received.every((r) => r.signatureOk)).toBe(true)
    // Exactly once: no event answered 200 twice.
    const acked = new Map<string, number>()
    for (const r of ok) acked.set(r.idempotencyKey, (acked.get(r.idempotencyKey) ?? 0) + 1)
    expect(acked.size).toBe(total)
    expect([...acked.values()].every((times) => times === 1)).toBe(true)
    // In order per stream: each case's events were acted on in the order they were written.
    for (const caseId of caseIds) {
      const seen = fake.processed.filter((key) => key.startsWith(`load-${caseId}-`))
      expect(seen).toEqual(expected.get(caseId))
    }
    // Nothing is left leased or due.
    expect(await s.database.db('outbox_streams').where({ state: 'ready' }).count({ n: '*' }).first()).toMatchObject({ n: 0 })
  })
})
