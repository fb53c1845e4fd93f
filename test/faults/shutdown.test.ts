import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { seedDemo } from '../../server/src/db/seeds/demo'
import { verifyLedger } from '../../server/src/ledger'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../server/src/testing/databases'
import { factories } from '../../server/src/testing/factories'
import { connectGridPlatform, startFakeGridPlatform, type FakeGridPlatform } from '../../server/src/testing/fakeGridPlatform'
import { spawnAnju, type AnjuProcess } from '../../server/src/testing/process'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { fileReport } from '../../server/src/testing/cases'
import { faultConfig, processEnv, requestOnce, type Outcome } from './support'

/** SIGTERM under load: requests in flight are answered and committed, job items in hand finish, then exit 0. */
describe.each(testDatabaseKinds())('stopping with SIGTERM on %s', (kind) => {
  let database: TestDatabase | undefined
  let processes: AnjuProcess[] = []
  let server: TestServer | undefined
  let platform: FakeGridPlatform | undefined
  afterEach(async () => {
    for (const p of processes) await p.kill()
    processes = []
    await platform?.close()
    platform = undefined
    await server?.close()
    server = undefined
    await database?.drop()
    database = undefined
  })

  it('answers every request in flight before it exits, and commits what it answered', async () => {
    database = await createTestDatabase(kind)
    // Before seeding: the seeded points are posted with the key the spawned server verifies with.
    const config = faultConfig(database)
    await seedDemo(database.db)
    const make = factories(database.db, config)
    const people = await make.residents(40, { points: 20 })
    const rewardId = await make.reward({ cost: 10, stock: 200, limit: 5 })

    const web = spawnAnju('web', processEnv(database))
    processes.push(web)
    const url = `http://127.0.0.1:${(await web.waitForLog(/listening/)).port}`

    let signalled = false
    const outcomes: Outcome[] = await Promise.all(people.map(async (p) => {
      const outcome = await requestOnce(url, 'POST', `/api/rewards/${rewardId}/redeem`, { token: p.token, idempotencyKey: `flash-${randomUUID()}` })
      // The first answer means every request is in the server's hands: stop it now, with the rest in flight.
      if (!signalled) {
        signalled = true
        web.child.kill('SIGTERM')
      }
      return outcome
    }))

    expect(await web.exited).toBe(0)
    expect(web.output()).toMatch(/shutting down/)
    expect(outcomes.filter((o) => 'error' in o)).toEqual([])
    const answered = outcomes as { status: number; body: any }[]
    const created = answered.filter((o) => o.status === 201)
    expect(created.length).toBeGreaterThan(0)
    for (const o of answered.filter((x) => x.status !== 201)) expect(o.status).toBeLessThan(500)
    // Everything answered 201 is in the database, and nothing else.
    const rows = await database.db('redemptions').where({ reward_id: rewardId }).select('id')
    expect(rows.map((r) => r.id).sort()).toEqual(created.map((o) => o.body.id).sort())
    expect((await verifyLedger(database.db)).problems).toEqual([])
    // And it is gone: no new connection is taken.
    const after = await requestOnce(url, 'GET', '/healthz')
    expect(after).toMatchObject({ error: 'ECONNREFUSED' })
  }, 180_000)

  it('lets the worker finish the delivery in hand and start no other', async () => {
    platform = await startFakeGridPlatform()
    // Each delivery takes a while at the platform, so the worker is mid-delivery when the signal comes.
    platform.slowMs = 700
    platform.script = Array(20).fill('timeout')
    server = await startTestServer(kind)
    await connectGridPlatform(server, platform)
    // More cases (each its own stream) than the worker works on at once.
    for (let r = 0; r < 4; r++) {
      const resident = await server.make.resident()
      for (let i = 0; i < 5; i++) expect((await fileReport(server, resident.token)).status).toBe(201)
    }
    const forwarded = () => server!.database.db('outbox_messages').where({ destination: 'grid_platform' })
    expect(await forwarded()).toHaveLength(20)

    const worker = spawnAnju('worker', processEnv(server.database, { GRID_PLATFORM_TIMEOUT_MS: '5000' }))
    processes.push(worker)
    await expect.poll(() => platform!.received.length, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(2)
    worker.child.kill('SIGTERM')
    expect(await worker.exited).toBe(0)

    const rows = await forwarded().orderBy('id')
    const delivered = rows.filter((r) => r.status === 'delivered')
    // The deliveries in hand finished and were recorded: everything the platform received is marked delivered.
    expect(delivered.map((r) => r.idempotency_key).sort()).toEqual([...platform.processed].sort())
    expect(platform.received.length).toBe(delivered.length)
    expect(delivered.length).toBeLessThan(20)
    // The rest were not touched: still pending, never attempted, their streams not leased.
    for (const r of rows.filter((x) => x.status !== 'delivered')) {
      expect(r.status).toBe('pending')
      expect(Number(r.attempts)).toBe(0)
      const stream = await server.database.db('outbox_streams').where({ id: r.stream_id }).first()
      expect(stream.lease_token).toBeNull()
      expect(new Date(stream.due_at).getTime()).toBeLessThanOrEqual(Date.now())
    }
  }, 180_000)
})
