import fc from 'fast-check'
import type { Endpoint } from '@anju/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import {
  ROLES, WRITES_ON_REFUSAL, buildWorld, endpoints, expectEnvelope, inputSchemaOf, installWriteCounter, pathIn, resourceOf, writeCount,
  validArbitrary, type ProbeRole, type ProbeWorld,
} from './support'

/** Callers from 和平社区 (staff and a resident), for whom 幸福里社区's resources do not exist. */
const OUT_OF_SCOPE: readonly ProbeRole[] = ['otherStaff', 'otherResident']

/**
 * The role × endpoint matrix, generated from the shared endpoint list: every endpoint (a new one included, as
 * soon as it is in shared/src/api.ts) is called by each of nine callers with a well-formed request aimed at
 * 幸福里社区's resources. Whatever the answer, it is never a 5xx; a refusal is our envelope and changes nothing;
 * a login is needed where the endpoint says so; and callers from another community find nothing there.
 */
describe('role × endpoint matrix', () => {
  let s: TestServer
  let world: ProbeWorld
  beforeAll(async () => {
    s = await startTestServer('sqlite', { env: { UPLOADS_PER_HOUR: '1000', LOGIN_ATTEMPTS_PER_IP: '100000', LOGIN_ATTEMPTS_PER_ACCOUNT: '1000' } })
    world = await buildWorld(s)
    await installWriteCounter(s.database.db)
  }, 120_000)
  afterAll(async () => {
    await s?.close()
  })

  /** One well-formed body per endpoint, the same every run. */
  const bodyFor = (endpoint: Endpoint) =>
    endpoint.body ? fc.sample(validArbitrary(inputSchemaOf(endpoint.body)), { seed: 42, numRuns: 1 })[0] : undefined

  it('counts the writes a request makes (the probe that "nothing changed" relies on)', async () => {
    const before = await writeCount(s.database.db)
    expect((await s.http.post('/api/auth/dev', { handle: 'probe-counter' })).status).toBe(200)
    expect(await writeCount(s.database.db)).toBeGreaterThan(before)
  })

  it('covers every endpoint of the shared list', () => {
    expect(endpoints.length).toBeGreaterThan(70)
    for (const [, endpoint] of endpoints) expect(() => pathIn(world, endpoint)).not.toThrow()
  })

  it.each(endpoints.map(([name, e]) => [name, e] as const))('%s', async (name, endpoint) => {
    const problems: string[] = []
    const path = pathIn(world, endpoint)
    const body = bodyFor(endpoint)
    // Refusals first (callers out of scope and without a login), so a permitted change does not move the target.
    const order = [...ROLES].sort((a, b) => Number(b === 'anonymous' || OUT_OF_SCOPE.includes(b)) - Number(a === 'anonymous' || OUT_OF_SCOPE.includes(a)))
    for (const role of order) {
      const before = await writeCount(s.database.db)
      const res = endpoint.method === 'GET'
        ? await s.http.get(path, { token: world.tokens[role] })
        : await s.http.request(endpoint.method, path, body, { token: world.tokens[role] })
      const where = `${name} as ${role}: ${res.status}`
      if (res.status >= 500) problems.push(`${where} ${JSON.stringify(res.body)}`)
      if (res.status >= 400) {
        const envelope = expectEnvelope(res.body)
        if (envelope) problems.push(`${where} ${envelope}`)
        const code = res.body?.error?.code
        if (!WRITES_ON_REFUSAL.has(code) && (await writeCount(s.database.db)) !== before) problems.push(`${where} ${code} changed the database`)
      }
      if (endpoint.auth && role === 'anonymous' && !(res.status === 401 && res.body.error.code === 'UNAUTHENTICATED')) {
        problems.push(`${where}: expected 401 UNAUTHENTICATED without a login`)
      }
      const resource = resourceOf(endpoint.path)
      const seenAnyway = world.publicSegments.has(resource ?? '') || (role === 'otherResident' && world.openToResidents.has(resource ?? ''))
      if (resource && !seenAnyway && OUT_OF_SCOPE.includes(role)) {
        // Out of scope reads as "not found"; a role that may never use the endpoint may hear 403 instead.
        if (res.status < 400) problems.push(`${where}: reached 幸福里社区's ${resource} from 和平社区`)
        else if (![401, 403, 404, 400, 409, 429].includes(res.status)) problems.push(`${where}: unexpected refusal`)
        if (role === 'otherStaff' && res.status === 403 && !['FORBIDDEN'].includes(res.body.error.code)) problems.push(`${where}: ${res.body.error.code}`)
      }
      if (res.status >= 200 && res.status < 300 && res.headers.get('content-type')?.includes('json')) {
        const parsed = endpoint.response.safeParse(res.body)
        if (!parsed.success) problems.push(`${where}: answer does not match its schema`)
      }
    }
    expect(problems).toEqual([])
  }, 60_000)
})
