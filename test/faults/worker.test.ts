import { afterEach, describe, expect, it } from 'vitest'
import { fileReport } from '../../server/src/testing/cases'
import { testDatabaseKinds } from '../../server/src/testing/databases'
import { startFakeGridPlatform, type FakeGridPlatform } from '../../server/src/testing/fakeGridPlatform'
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
    const admin = await server.http.staffToken('admin')
    const community = await server.make.regionId('XT-YT-JSL-XFL')
    expect((await server.http.post('/api/admin/grid-platforms', {
      regionId: community, name: '岳塘区网格化平台', url: platform.url, secret: platform.secret,
    }, { token: admin })).status).toBe(201)
    const resident = await server.make.resident()
    for (let i = 0; i < 3; i++) expect((await fileReport(server, resident.token)).status).toBe(201)
    const keys = (await server.database.db('outbox').orderBy('id')).map((r) => r.idempotency_key as string)
    expect(keys).toHaveLength(3)

    // A lease lasts two platform timeouts: 3 s here.
    const env = processEnv(server.database, { GRID_PLATFORM_TIMEOUT_MS: '1500' })
    const first = spawnAnju('worker', env)
    processes.push(first)
    await expect.poll(() => platform!.received.length, { timeout: 60_000, interval: 20 }).toBe(1)
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')
    const leased = await server.database.db('outbox').where({ idempotency_key: keys[0] }).first()
    expect(leased.status).toBe('pending')
    expect(new Date(leased.next_attempt_at).getTime()).toBeGreaterThan(Date.now() - 1000)
    expect(platform.processed).toEqual([keys[0]])

    const next = spawnAnju('worker', env)
    processes.push(next)
    await expect.poll(async () => {
      const rows = await server!.database.db('outbox').where({ status: 'delivered' }).count({ n: '*' }).first()
      return Number(rows!.n)
    }, { timeout: 90_000, interval: 250 }).toBe(3)
    next.child.kill('SIGTERM')
    expect(await next.exited).toBe(0)

    // Each message acted on once; the leased one was sent twice (once by each run) and deduped by its key.
    expect([...platform.processed].sort()).toEqual([...keys].sort())
    const sends = (key: string) => platform!.received.filter((r) => r.idempotencyKey === key).length
    expect(sends(keys[0]!)).toBe(2)
    expect(sends(keys[1]!)).toBe(1)
    expect(sends(keys[2]!)).toBe(1)
    for (const row of await server.database.db('outbox')) expect(row.status).toBe('delivered')
  }, 180_000)
})
