import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/server'
import { testDatabaseKinds } from '../testing/databases'
import { canonicalJson } from '../lib/canonicalJson'
import { purgeIdempotencyKeys } from '../jobs/purgeIdempotencyKeys'

const HOUR_MS = 60 * 60 * 1000

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
  const redemptionsOf = async (userId: number) =>
    Number((await s.database.db('redemptions').where({ user_id: userId }).count({ n: '*' }).first())!.n)
  const resident = async (points: number) => {
    const r = await s.make.resident()
    if (points > 0) await s.make.givePoints(r.id, points)
    return r
  }

  it('replays the first answer for a retry with the same key and body', async () => {
    const r = await resident(50)
    const rewardId = await s.make.reward({ cost: 10 })
    const key = 'retry-key-0001'
    const first = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token, idempotencyKey: key })
    const retry = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token, idempotencyKey: key })
    expect(first.status).toBe(201)
    expect(retry.status).toBe(201)
    expect(retry.body).toEqual(first.body)
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true')
    expect(first.headers.get('Idempotent-Replayed')).toBeNull()
    expect(await redemptionsOf(r.id)).toBe(1)
  })

  it('answers 409 when the key is reused for another request, and changes nothing', async () => {
    const r = await resident(50)
    const [one, other] = [await s.make.reward({ cost: 10 }), await s.make.reward({ cost: 10 })]
    const key = 'retry-key-0002'
    expect((await s.http.post(`/api/rewards/${one}/redeem`, undefined, { token: r.token, idempotencyKey: key })).status).toBe(201)
    const again = await s.http.post(`/api/rewards/${other}/redeem`, undefined, { token: r.token, idempotencyKey: key })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED')
    expect(await redemptionsOf(r.id)).toBe(1)
  })

  it('gives one account to 20 simultaneous WeChat logins with one key, and stores none of their sessions', async () => {
    const code = s.wechat.issueCode('openid-burst')
    const key2 = 'burst-key-0004'
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => s.http.post('/api/auth/wechat', { code }, { idempotencyKey: key2 })),
    )
    const ok = burst.filter((a) => a.status === 200)
    expect(ok.length).toBeGreaterThanOrEqual(1)
    // The code is single-use at WeChat, so any that reached WeChat after the first get its refusal,
    // never a second account.
    for (const a of burst.filter((x) => x.status !== 200)) expect(a.body.error.code).toBe('WECHAT_CODE_INVALID')
    expect(await countUsers('openid-burst')).toBe(1)
    expect(await s.database.db('idempotency_keys').where({ idem_key: key2 })).toEqual([])
  })

  it('never stores a sign-in\'s answer: a retry of a login is issued a session of its own', async () => {
    const key = 'login-key-0009'
    const first = await s.http.post('/api/auth/dev', { handle: 'idem-login' }, { idempotencyKey: key })
    const retry = await s.http.post('/api/auth/dev', { handle: 'idem-login' }, { idempotencyKey: key })
    expect(first.status).toBe(200)
    expect(retry.status).toBe(200)
    expect(retry.headers.get('Idempotent-Replayed')).toBeNull()
    expect(retry.body.user.id).toBe(first.body.user.id)
    expect(retry.body.accessToken).not.toBe(first.body.accessToken)
    expect(retry.body.refreshToken).not.toBe(first.body.refreshToken)
    const staff = await s.http.post('/api/auth/staff', { username: 'staff', password: 'anju-demo-2026' }, { idempotencyKey: 'login-key-0010' })
    expect(staff.status).toBe(200)
    expect(await s.database.db('idempotency_keys').whereIn('idem_key', [key, 'login-key-0010'])).toEqual([])
    const leaked = await s.database.db('idempotency_keys').where('response_body', 'like', '%refreshToken%').count({ n: '*' }).first()
    expect(Number(leaked!.n)).toBe(0)
  })

  it('issues a session again for a retried refresh whose answer was lost, and still ends a session whose token is reused', async () => {
    const login = (await s.http.post('/api/auth/dev', { handle: 'idem-refresh' }, { idempotencyKey: 'refresh-login-01' })).body
    const key = 'refresh-key-0011'
    const first = await s.http.post('/api/auth/refresh', { refreshToken: login.refreshToken }, { idempotencyKey: key })
    const retry = await s.http.post('/api/auth/refresh', { refreshToken: login.refreshToken }, { idempotencyKey: key })
    expect(first.status).toBe(200)
    expect(retry.status).toBe(200)
    expect(retry.body.refreshToken).not.toBe(first.body.refreshToken)
    expect((await s.http.get('/api/me', { token: retry.body.accessToken })).status).toBe(200)
    expect(await s.database.db('idempotency_keys').where({ idem_key: key })).toEqual([])
    // The same spent token under another key (or none) is someone else's copy: the session ends.
    const stolen = await s.http.post('/api/auth/refresh', { refreshToken: login.refreshToken }, { idempotencyKey: 'refresh-key-0012' })
    expect(stolen.status).toBe(401)
    expect((await s.http.post('/api/auth/refresh', { refreshToken: retry.body.refreshToken })).status).toBe(401)
  })

  it('stores the answer of a write inside its own transaction, once, under concurrency', async () => {
    const r = await resident(50)
    const rewardId = await s.make.reward({ cost: 10 })
    const key = 'burst-key-0005'
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token, idempotencyKey: key })),
    )
    for (const a of burst) {
      expect(a.status).toBe(201)
      expect(a.body).toEqual(burst[0]!.body)
    }
    expect(await redemptionsOf(r.id)).toBe(1)
    const rows = await s.database.db('idempotency_keys').where({ idem_key: key })
    expect(rows).toHaveLength(1)
  })

  it('keeps keys apart per account', async () => {
    const key = 'shared-key-0006'
    const [alice, bob] = [await resident(20), await resident(20)]
    const rewardId = await s.make.reward({ cost: 10 })
    const a = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: alice.token, idempotencyKey: key })
    const b = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: bob.token, idempotencyKey: key })
    expect(a.status).toBe(201)
    expect(b.status).toBe(201)
    expect(b.body.id).not.toBe(a.body.id)
  })

  it('does not store failures: a retry once the cause is gone is a new request', async () => {
    const r = await resident(0)
    const rewardId = await s.make.reward({ cost: 10 })
    const key = 'fail-key-0007'
    const short = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token, idempotencyKey: key })
    expect(short.status).toBe(409)
    expect(await s.database.db('idempotency_keys').where({ idem_key: key }).first()).toBeUndefined()
    await s.make.givePoints(r.id, 10)
    expect((await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token, idempotencyKey: key })).status).toBe(201)
  })

  it('retires stored answers after IDEMPOTENCY_RETENTION_HOURS (24 by default)', async () => {
    expect(s.config.retention.idempotencyHours).toBe(24)
    const r = await resident(50)
    const rewardId = await s.make.reward({ cost: 10 })
    const key = 'old-key-0013'
    expect((await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token, idempotencyKey: key })).status).toBe(201)
    const now = new Date()
    const stored = () => s.database.db('idempotency_keys').where({ idem_key: key }).first()
    await purgeIdempotencyKeys({ db: s.database.db, config: s.config }, new Date(now.getTime() + 23 * HOUR_MS))
    expect(await stored()).toBeDefined()
    const { processed } = await purgeIdempotencyKeys({ db: s.database.db, config: s.config }, new Date(now.getTime() + 25 * HOUR_MS))
    expect(processed).toBeGreaterThanOrEqual(1)
    expect(await stored()).toBeUndefined()
    const shorter = { ...s.config, retention: { ...s.config.retention, idempotencyHours: 1 } }
    const key2 = 'old-key-0014'
    expect((await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token, idempotencyKey: key2 })).status).toBe(201)
    await purgeIdempotencyKeys({ db: s.database.db, config: shorter }, new Date(now.getTime() + 2 * HOUR_MS))
    expect(await s.database.db('idempotency_keys').where({ idem_key: key2 }).first()).toBeUndefined()
  })

  it('rejects a malformed key', async () => {
    const res = await s.http.post('/api/auth/dev', { handle: 'idem-e' }, { idempotencyKey: 'bad key!' })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_INVALID')
    expect(await countUsers('dev:idem-e')).toBe(0)
  })
})
