import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../lib/canonicalJson'
import { testDatabaseKinds } from '../testing/databases'
import { startTestServer, type TestServer } from '../testing/server'
import { MAX_BODY_DEPTH } from './bodyLimits'

/** `{"a":{"a":…}}` nested `depth` objects deep, written as text so building it needs no recursion. */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
}

describe.each(testDatabaseKinds())('request body limits on %s', (kind) => {
  let s: TestServer
  let resident: string
  beforeAll(async () => {
    s = await startTestServer(kind)
    resident = await s.http.residentToken('body-limits')
  })
  afterAll(async () => {
    await s?.close()
  })

  const countUsers = async () => Number((await s.database.db('users').count({ n: '*' }).first())!.n)

  it('answers a deeply nested body with an Idempotency-Key with 400 and the envelope, on any POST', async () => {
    const before = await countUsers()
    for (const [path, token] of [['/api/auth/dev', undefined], ['/api/cases', resident], ['/api/me/community', resident], ['/api/rewards/1/redeem', resident]] as const) {
      const res = await s.http.post(path, undefined, { raw: nestedJson(20_000), token, idempotencyKey: 'deep-body-0001' })
      expect(res.status, path).toBe(400)
      expect(res.body.error).toMatchObject({ code: 'BODY_TOO_DEEP' })
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/)
    }
    // Arrays count as levels too.
    const arrays = await s.http.post('/api/auth/dev', undefined, { raw: `${'['.repeat(5000)}${']'.repeat(5000)}`, idempotencyKey: 'deep-body-0002' })
    expect(arrays.status).toBe(400)
    expect(arrays.body.error.code).toBe('BODY_TOO_DEEP')
    expect(await countUsers()).toBe(before)
  })

  it('refuses one level past the cap and lets the cap itself through to validation', async () => {
    const over = await s.http.post('/api/auth/dev', undefined, { raw: nestedJson(MAX_BODY_DEPTH + 1), idempotencyKey: 'deep-body-0003' })
    expect(over.status).toBe(400)
    expect(over.body.error.code).toBe('BODY_TOO_DEEP')
    const at = await s.http.post('/api/auth/dev', undefined, { raw: nestedJson(MAX_BODY_DEPTH), idempotencyKey: 'deep-body-0004' })
    expect(at.status).toBe(400)
    expect(at.body.error.code).toBe('VALIDATION_FAILED')
  })

  it('answers a body over the size limit with 413 and the envelope', async () => {
    const res = await s.http.post('/api/auth/dev', undefined, { raw: JSON.stringify({ handle: 'x'.repeat(2 * 1024 * 1024) }), idempotencyKey: 'big-body-0001' })
    expect(res.status).toBe(413)
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE')
  })
})

describe('canonicalJson', () => {
  it('refuses a value nested deeper than a request body may be, instead of overflowing the stack', () => {
    let deep: unknown = 1
    for (let i = 0; i < 50_000; i++) deep = { a: deep }
    expect(() => canonicalJson(deep)).toThrow(/too deep/)
  })
})
