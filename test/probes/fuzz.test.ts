import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import type { Endpoint } from '@anju/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import {
  WRITES_ON_REFUSAL, bodyArbitrary, buildWorld, endpoints, expectEnvelope, inputSchemaOf, installWriteCounter, pathIn, writeCount,
  type ProbeRole, type ProbeWorld,
} from './support'

/**
 * Bodies per POST/PUT endpoint: a few in `npm test` (seeded, so a failure repeats), FUZZ_RUNS in the nightly-sized
 * run (`npm run fuzz`, 1,000 each). FUZZ_SEED picks another seed.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 6)
const SEED = Number(process.env.FUZZ_SEED ?? 20261126)

const withBodies = endpoints.filter(([, e]) => (e.method === 'POST' || e.method === 'PUT') && e.body)

/** Who sends the bodies: the role the endpoint is for, so they get past authorization to the deeper checks. */
function callerFor(endpoint: Endpoint): ProbeRole {
  if (!endpoint.auth) return 'anonymous'
  if (endpoint.path.startsWith('/api/admin/')) return 'admin'
  if (endpoint.path.startsWith('/api/staff/') || endpoint.path.startsWith('/api/cases/:id/')) return 'staff'
  if (endpoint.path.startsWith('/api/patrols')) return 'volunteer'
  return 'resident'
}

/**
 * A schema-driven fuzz of every POST/PUT in the shared endpoint list: bodies generated from each endpoint's own
 * schema (valid ones, near misses and junk, with and without an Idempotency-Key). Never a 5xx; every refusal is
 * our envelope and leaves the database as it was.
 */
describe(`fuzzing every POST/PUT body (${RUNS} each, seed ${SEED})`, () => {
  let s: TestServer
  let world: ProbeWorld
  beforeAll(async () => {
    s = await startTestServer('sqlite', {
      env: { LOGIN_ATTEMPTS_PER_IP: '100000', LOGIN_ATTEMPTS_PER_ACCOUNT: '1000', LOGIN_LOCK_AFTER_FAILURES: '1000', REPORTS_PER_HOUR: '100000', REPORTS_PER_DAY: '100000' },
    })
    world = await buildWorld(s)
    await installWriteCounter(s.database.db)
  }, 120_000)
  afterAll(async () => {
    await s?.close()
  })

  it('has bodies to fuzz', () => {
    expect(withBodies.length).toBeGreaterThan(30)
  })

  it.each(withBodies.map(([name, e]) => [name, e] as const))('%s', async (name, endpoint) => {
    const path = pathIn(world, endpoint)
    const token = world.tokens[callerFor(endpoint)]
    const samples = fc.sample(fc.tuple(bodyArbitrary(inputSchemaOf(endpoint.body!)), fc.boolean()), { seed: SEED + name.length, numRuns: RUNS })
    const problems: string[] = []
    for (const [body, withKey] of samples) {
      const before = await writeCount(s.database.db)
      const res = await s.http.request(endpoint.method, path, body, { token, idempotencyKey: withKey ? `fuzz-${randomUUID()}` : undefined })
      const where = `${name} ${res.status} ${JSON.stringify(body)?.slice(0, 160)}`
      if (res.status >= 500) problems.push(`${where} → ${JSON.stringify(res.body)}`)
      if (res.status >= 400) {
        const envelope = expectEnvelope(res.body)
        if (envelope) problems.push(`${where} → ${envelope}`)
        if (!WRITES_ON_REFUSAL.has(res.body?.error?.code) && (await writeCount(s.database.db)) !== before) {
          problems.push(`${where} → ${res.body.error.code} changed the database`)
        }
      }
    }
    expect(problems).toEqual([])
  }, Math.max(60_000, RUNS * 2_000))
})
