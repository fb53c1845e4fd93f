import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/server'
import { testDatabaseKinds } from '../testing/databases'
import { canonicalJson } from '../lib/canonicalJson'

describe('canonicalJson', () => {
  it('is the same whatever the key order, and tells values apart', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(canonicalJson({ a: [1, { c: 3, d: 2 }], b: 1 }))
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }))
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}')
  })
})

describe.each(testDatabaseKinds())('Idempotency-Key on %s', (kind) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(kind)
  })
  afterAll(async () => {
    await s?.close()
  })

  const countUsers = async (openid: string) =>
    Number((await s.database.db('users').where({ openid }).count({ n: '*' }).first())!.n)

  it('replays the first answer for a retry with the same key and body', async () => {
    const key = 'retry-key-0001'
    const first = await s.http.post('/api/auth/dev', { handle: 'idem-a' }, { idempotencyKey: key })
    const retry = await s.http.post('/api/auth/dev', { handle: 'idem-a' }, { idempotencyKey: key })
    expect(first.status).toBe(200)
    expect(retry.status).toBe(200)
    expect(retry.body).toEqual(first.body)
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true')
    expect(first.headers.get('Idempotent-Replayed')).toBeNull()
  })

  it('answers 409 when the key is reused with another body, and changes nothing', async () => {
    const key = 'retry-key-0002'
    await s.http.post('/api/auth/dev', { handle: 'idem-b' }, { idempotencyKey: key })
    const other = await s.http.post('/api/auth/dev', { handle: 'idem-c' }, { idempotencyKey: key })
    expect(other.status).toBe(409)
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED')
    expect(await countUsers('dev:idem-c')).toBe(0)
  })

  it('gives one account to 20 simultaneous WeChat logins with one key', async () => {
    const code = s.wechat.issueCode('openid-burst')
    const key2 = 'burst-key-0004'
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => s.http.post('/api/auth/wechat', { code }, { idempotencyKey: key2 })),
    )
    const ok = burst.filter((a) => a.status === 200)
    expect(ok.length).toBeGreaterThanOrEqual(1)
    for (const a of ok) expect(a.body).toEqual(ok[0]!.body)
    // The code is single-use at WeChat, so any that reached WeChat after the first get its refusal,
    // never a second account.
    for (const a of burst.filter((x) => x.status !== 200)) expect(['WECHAT_CODE_INVALID', 'IDEMPOTENCY_IN_PROGRESS']).toContain(a.body.error.code)
    expect(await countUsers('openid-burst')).toBe(1)
    // And once the first has answered, every retry gets that answer.
    const late = await s.http.post('/api/auth/wechat', { code }, { idempotencyKey: key2 })
    expect(late.status).toBe(200)
    expect(late.body).toEqual(ok[0]!.body)
  })

  it('stores the answer of a write inside its own transaction, once, under concurrency', async () => {
    const key = 'burst-key-0005'
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => s.http.post('/api/auth/dev', { handle: 'idem-burst' }, { idempotencyKey: key })),
    )
    for (const a of burst) {
      expect(a.status).toBe(200)
      expect(a.body).toEqual(burst[0]!.body)
    }
    expect(await countUsers('dev:idem-burst')).toBe(1)
    const rows = await s.database.db('idempotency_keys').where({ idem_key: key })
    expect(rows).toHaveLength(1)
  })

  it('keeps keys apart per account', async () => {
    const key = 'shared-key-0006'
    const alice = await s.http.residentToken('idem-alice')
    const bob = await s.http.residentToken('idem-bob')
    const a = await s.http.post('/api/auth/staff', { username: 'staff', password: 'x' }, { token: alice, idempotencyKey: key })
    const b = await s.http.post('/api/auth/dev', { handle: 'idem-d' }, { token: bob, idempotencyKey: key })
    expect(a.status).toBe(401)
    expect(b.status).toBe(200)
  })

  it('does not store failures: a corrected retry with a fresh body is a new request', async () => {
    const key = 'fail-key-0007'
    const bad = await s.http.post('/api/auth/staff', { username: 'staff', password: 'wrong' }, { idempotencyKey: key })
    expect(bad.status).toBe(401)
    const good = await s.http.post('/api/auth/staff', { username: 'staff', password: 'anju-demo-2026' }, { idempotencyKey: 'fail-key-0008' })
    expect(good.status).toBe(200)
    expect(await s.database.db('idempotency_keys').where({ idem_key: key }).first()).toBeUndefined()
  })

  it('rejects a malformed key', async () => {
    const res = await s.http.post('/api/auth/dev', { handle: 'idem-e' }, { idempotencyKey: 'bad key!' })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_INVALID')
    expect(await countUsers('dev:idem-e')).toBe(0)
  })
})
