import jwt from 'jsonwebtoken'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../testing/server'
import { testDatabaseKinds } from '../../testing/databases'

describe.each(testDatabaseKinds())('auth on %s', (kind) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(kind)
  })
  afterAll(async () => {
    await s?.close()
  })

  describe('WeChat login', () => {
    it('creates the resident on first login and finds them again later', async () => {
      const first = await s.http.post('/api/auth/wechat', { code: s.wechat.issueCode('openid-alice') })
      expect(first.status).toBe(200)
      expect(first.body.user).toMatchObject({ role: 'resident', region: null })
      expect(first.body.expiresIn).toBeGreaterThan(0)

      const again = await s.http.post('/api/auth/wechat', { code: s.wechat.issueCode('openid-alice') })
      expect(again.status).toBe(200)
      expect(again.body.user.id).toBe(first.body.user.id)
      const rows = await s.database.db('users').where({ openid: 'openid-alice' })
      expect(rows).toHaveLength(1)
    })

    it('keeps the session_key on the server', async () => {
      const res = await s.http.post('/api/auth/wechat', { code: s.wechat.issueCode('openid-bob') })
      expect(res.status).toBe(200)
      const stored = await s.database.db('wechat_sessions').where({ user_id: res.body.user.id }).first()
      expect(stored.session_key).toBeTruthy()
      const me = await s.http.get('/api/me', { token: res.body.accessToken })
      for (const text of [JSON.stringify(res.body), JSON.stringify(me.body), JSON.stringify(jwt.decode(res.body.accessToken))]) {
        expect(text).not.toContain(stored.session_key)
        expect(text).not.toContain('openid-bob')
      }
    })

    it('refuses an invalid or reused code with 400 WECHAT_CODE_INVALID', async () => {
      const bad = await s.http.post('/api/auth/wechat', { code: 'not-a-code' })
      expect(bad.status).toBe(400)
      expect(bad.body.error.code).toBe('WECHAT_CODE_INVALID')
      expect(bad.body.error.message).toMatch(/[\u4e00-\u9fa5]/)

      const code = s.wechat.issueCode('openid-carol')
      expect((await s.http.post('/api/auth/wechat', { code })).status).toBe(200)
      const reused = await s.http.post('/api/auth/wechat', { code })
      expect(reused.status).toBe(400)
      expect(reused.body.error.code).toBe('WECHAT_CODE_INVALID')
    })

    it('passes WeChat rate limiting on as 429 and creates nobody', async () => {
      const before = await s.database.db('users').count({ n: '*' }).first()
      s.wechat.rateLimited = true
      try {
        const res = await s.http.post('/api/auth/wechat', { code: s.wechat.issueCode('openid-dave') })
        expect(res.status).toBe(429)
        expect(res.body.error.code).toBe('WECHAT_RATE_LIMITED')
      } finally {
        s.wechat.rateLimited = false
      }
      const after = await s.database.db('users').count({ n: '*' }).first()
      expect(Number(after!.n)).toBe(Number(before!.n))
    })

    it('validates the body', async () => {
      const res = await s.http.post('/api/auth/wechat', { code: '' })
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('VALIDATION_FAILED')
      expect(res.body.error.details.fields[0].path).toBe('code')
    })
  })

  describe('staff login', () => {
    it('logs in a demo account and scopes it to its region', async () => {
      const res = await s.http.post('/api/auth/staff', { username: 'staff', password: 'anju-demo-2026' })
      expect(res.status).toBe(200)
      expect(res.body.user).toMatchObject({ role: 'staff', region: { name: '幸福里社区', level: 'community' } })
    })

    it('answers a wrong password and an unknown user the same way', async () => {
      const wrong = await s.http.post('/api/auth/staff', { username: 'staff', password: 'nope' })
      const unknown = await s.http.post('/api/auth/staff', { username: 'nobody', password: 'nope' })
      expect(wrong.status).toBe(401)
      expect(unknown.status).toBe(401)
      expect(wrong.body).toEqual(unknown.body)
      expect(wrong.body.error.code).toBe('LOGIN_FAILED')
    })

    it('stores passwords as slow salted hashes', async () => {
      const row = await s.database.db('users').where({ username: 'staff' }).first()
      expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/)
      expect(row.password_hash).not.toContain('anju-demo-2026')
    })

    it('refuses a disabled account', async () => {
      const token = await s.http.staffToken('staff2')
      await s.database.db('users').where({ username: 'staff2' }).update({ disabled: true })
      try {
        expect((await s.http.post('/api/auth/staff', { username: 'staff2', password: 'anju-demo-2026' })).body.error.code).toBe('ACCOUNT_DISABLED')
        expect((await s.http.get('/api/me', { token })).body.error.code).toBe('ACCOUNT_DISABLED')
      } finally {
        await s.database.db('users').where({ username: 'staff2' }).update({ disabled: false })
      }
    })
  })

  describe('tokens', () => {
    it('requires a token for /api/me', async () => {
      const res = await s.http.get('/api/me')
      expect(res.status).toBe(401)
      expect(res.body.error.code).toBe('UNAUTHENTICATED')
    })

    it('refreshes a session, and a refresh token is no access token', async () => {
      const login = await s.http.post('/api/auth/dev', { handle: 'refresher' })
      const refreshed = await s.http.post('/api/auth/refresh', { refreshToken: login.body.refreshToken })
      expect(refreshed.status).toBe(200)
      expect(refreshed.body.user.id).toBe(login.body.user.id)
      expect((await s.http.get('/api/me', { token: refreshed.body.accessToken })).status).toBe(200)

      const misuse = await s.http.get('/api/me', { token: login.body.refreshToken })
      expect(misuse.status).toBe(401)
      expect(misuse.body.error.code).toBe('TOKEN_INVALID')
      const backwards = await s.http.post('/api/auth/refresh', { refreshToken: login.body.accessToken })
      expect(backwards.status).toBe(401)
    })

    it('says TOKEN_EXPIRED for an expired token so the client can refresh', async () => {
      const login = await s.http.post('/api/auth/dev', { handle: 'expired' })
      const expired = jwt.sign({ typ: 'access', ver: 0 }, s.config.jwt.secret, {
        algorithm: 'HS256', issuer: 'anju', subject: String(login.body.user.id), expiresIn: -10,
      })
      const res = await s.http.get('/api/me', { token: expired })
      expect(res.status).toBe(401)
      expect(res.body.error.code).toBe('TOKEN_EXPIRED')
    })

    it('pins the algorithm: an unsigned token or another secret is refused', async () => {
      const login = await s.http.post('/api/auth/dev', { handle: 'pinned' })
      const claims = { typ: 'access', ver: 0, iss: 'anju', sub: String(login.body.user.id) }
      const unsigned = jwt.sign(claims, '', { algorithm: 'none' })
      const otherSecret = jwt.sign(claims, 'some-other-secret', { algorithm: 'HS256' })
      for (const token of [unsigned, otherSecret, 'garbage']) {
        const res = await s.http.get('/api/me', { token })
        expect(res.status).toBe(401)
        expect(res.body.error.code).toBe('TOKEN_INVALID')
      }
    })

    it('revokes every token when the token version moves on', async () => {
      const login = await s.http.post('/api/auth/dev', { handle: 'revoked' })
      await s.database.db('users').where({ id: login.body.user.id }).increment('token_version', 1)
      expect((await s.http.get('/api/me', { token: login.body.accessToken })).status).toBe(401)
      expect((await s.http.post('/api/auth/refresh', { refreshToken: login.body.refreshToken })).status).toBe(401)
    })
  })

  describe('development login', () => {
    it('logs the demo resident in when enabled', async () => {
      const res = await s.http.post('/api/auth/dev', { handle: 'demo' })
      expect(res.status).toBe(200)
      expect(res.body.user).toMatchObject({ displayName: '演示居民', role: 'resident' })
    })

    it('rejects handles that are not plain', async () => {
      const res = await s.http.post('/api/auth/dev', { handle: 'Robert; DROP' })
      expect(res.status).toBe(400)
      expect(res.body.error.details.fields[0].path).toBe('handle')
    })
  })
})

describe('development login when not enabled', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer('sqlite', { env: { ANJU_DEV_LOGIN: 'false' } })
  })
  afterAll(async () => {
    await s?.close()
  })

  it('is off and creates nobody', async () => {
    const res = await s.http.post('/api/auth/dev', { handle: 'intruder' })
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('DEV_LOGIN_DISABLED')
    expect(await s.database.db('users').where({ openid: 'dev:intruder' }).first()).toBeUndefined()
  })
})
