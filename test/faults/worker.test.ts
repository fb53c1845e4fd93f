import { afterEach, describe, expect, it } from 'vitest'
import { fileReport } from '../../server/src/testing/cases'
import { testDatabaseKinds } from '../../server/src/testing/databases'
import { connectGridPlatform, startFakeGridPlatform, type FakeGridPlatform } from '../../server/src/testing/fakeGridPlatform'
import { startPrivateMariadb, type PrivateMariadb } from '../../server/src/testing/privateMariadb'
import { spawnAnju, type AnjuProcess } from '../../server/src/testing/process'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { processEnv } from './support'

/**
 * The worker killed (SIGKILL) while a delivery is on its way: the message it leased is delivered by the next
 * run once its lease runs out, and the platform, which dedupes by Idempotency-Key, acts on it once.
 */
describe.each(testDatabaseKinds())('worker killed mid-delivery on %s', (kind) => {
  let server: TestServer | undefined
  let platform: FakeGridPlatform | undefined
  let processes: AnjuProcess[] = []
  afterEach(async () => {
    for (const p of processes) await p.kill()
    processes = []
    await platform?.close()
    await server?.close()
  })

  it('delivers the leased message once, by the next run', async () => {
    platform = await startFakeGridPlatform()
    // The first delivery is acted on by the platform but answered only after a minute: the worker dies waiting.
    platform.script = ['timeout']
    platform.slowMs = 60_000
    server = await startTestServer(kind)
    await connectGridPlatform(server, platform)
    const resident = await server.make.resident()
    for (let i = 0; i < 3; i++) expect((await fileReport(server, resident.token)).status).toBe(201)
    const forwarded = () => server!.database.db('outbox_messages').where({ destination: 'grid_platform' })
    const keys = (await forwarded().orderBy('id')).map((r) => r.idempotency_key as string)
    expect(keys).toHaveLength(3)

    // Each case is its own stream, worked side by side: two are answered, the first one sent hangs. A lease lasts
    // two platform timeouts and a margin: 5 s here.
    const env = processEnv(server.database, { GRID_PLATFORM_TIMEOUT_MS: '1500' })
    const first = spawnAnju('worker', env)
    processes.push(first)
    const delivered = async () => Number((await forwarded().where({ status: 'delivered' }).count({ n: '*' }).first())!.n)
    await expect.poll(async () => platform!.received.length === 3 && (await delivered()) === 2, { timeout: 60_000, interval: 20 }).toBe(true)
    const stuckKey = platform.received[0]!.idempotencyKey
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')
    const stuck = await forwarded().where({ idempotency_key: stuckKey }).first()
    expect(stuck.status).toBe('pending')
    const stream = await server.database.db('outbox_streams').where({ id: stuck.stream_id }).first()
    expect(stream.lease_token).not.toBeNull()
    expect(new Date(stream.due_at).getTime()).toBeGreaterThan(Date.now() - 1000)
    expect([...platform.processed].sort()).toEqual([...keys].sort())

    const next = spawnAnju('worker', env)
    processes.push(next)
    await expect.poll(delivered, { timeout: 90_000, interval: 250 }).toBe(3)
    next.child.kill('SIGTERM')
    expect(await next.exited).toBe(0)

    // Each message acted on once; the leased one was sent twice (once by each run) and deduped by its key.
    expect([...platform.processed].sort()).toEqual([...keys].sort())
    const sends = (key: string) => platform!.received.filter((r) => r.idempotencyKey === key).length
    for (const key of keys) expect(sends(key)).toBe(key === stuckKey ? 2 : 1)
    for (const row of await forwarded()) expect(row.status).toBe('delivered')
  }, 180_000)
})

/**
 * The worker's database crashes (SIGKILL) and comes back: the worker keeps running through the outage, logging
 * each failed run, and carries on once the database answers again. On a cluster this is a worker whose database
 * node dies; it must not quietly end with nothing left to keep it up.
 */
describe.each(testDatabaseKinds().filter((kind) => kind === 'mysql'))('worker whose database goes away on %s', (kind) => {
  let mariadb: PrivateMariadb | undefined
  let server: TestServer | undefined
  let platform: FakeGridPlatform | undefined
  let worker: AnjuProcess | undefined
  afterEach(async () => {
    await worker?.kill()
    await platform?.close()
    await server?.close().catch(() => undefined)
    await mariadb?.destroy()
  })

  it('keeps running while the database is down and delivers once it is back', async () => {
    mariadb = await startPrivateMariadb()
    server = await startTestServer(kind, { mysqlUrl: mariadb.url })
    platform = await startFakeGridPlatform()
    await connectGridPlatform(server, platform)
    const resident = await server.make.resident()

    worker = spawnAnju('worker', processEnv(server.database))
    await worker.waitForLog(/worker running/)
    await mariadb.kill()
    // Runs fail while the database is away; the process neither ends nor stops trying.
    await worker.waitForLog(/job failed/, 30_000)
    const outcome = await Promise.race([worker.exited.then((code) => `exited ${code}`), new Promise((resolve) => setTimeout(() => resolve('running'), 6_000))])
    expect(outcome, worker.output().slice(-2000)).toBe('running')

    await mariadb.start()
    expect((await fileReport(server, resident.token)).status).toBe(201)
    await expect.poll(() => platform!.processed.length, { timeout: 60_000, interval: 250 }).toBeGreaterThanOrEqual(1)
    worker.child.kill('SIGTERM')
    expect(await worker.exited).toBe(0)
  }, 180_000)
})
