import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

describe.each(testDatabaseKinds())('sessions on %s', (kind) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(kind)
  })
  afterAll(async () => {
    await s?.close()
  })

  const devLogin = async (handle: string) => (await s.http.post('/api/auth/dev', { handle })).body
  const refresh = (refreshToken: string, idempotencyKey?: string) => s.http.post('/api/auth/refresh', { refreshToken }, { idempotencyKey })
  const me = (token: string) => s.http.get('/api/me', { token })

  describe('rotating refresh tokens', () => {
    it('gives a new refresh token each time, and a spent one presented again ends the whole session', async () => {
      const first = await devLogin('rotation-a')
      const second = await refresh(first.refreshToken)
      expect(second.status).toBe(200)
      expect(second.body.refreshToken).not.toBe(first.refreshToken)
      const third = await refresh(second.body.refreshToken)
      expect(third.status).toBe(200)
      expect((await me(third.body.accessToken)).status).toBe(200)

      // Someone replays the first (copied) token: refused, and everything from that login stops working.
      const replayed = await refresh(first.refreshToken)
      expect(replayed.status).toBe(401)
      expect(replayed.body.error.code).toBe('TOKEN_INVALID')
      expect((await refresh(third.body.refreshToken)).status).toBe(401)
      expect((await me(third.body.accessToken)).body.error.code).toBe('TOKEN_INVALID')
      // Another login of the same resident is untouched.
      const elsewhere = await devLogin('rotation-a')
      expect((await me(elsewhere.accessToken)).status).toBe(200)
    })

    it('issues a retried refresh (same Idempotency-Key) a new pair, not taken as a reuse; no tokens are stored', async () => {
      const login = await devLogin('rotation-b')
      const key = 'refresh-retry-0001'
      const answer = await refresh(login.refreshToken, key)
      const retry = await refresh(login.refreshToken, key)
      expect(retry.status).toBe(200)
      expect(retry.headers.get('Idempotent-Replayed')).toBeNull()
      expect(retry.body.refreshToken).not.toBe(answer.body.refreshToken)
      expect((await me(retry.body.accessToken)).status).toBe(200)
      expect((await refresh(retry.body.refreshToken)).status).toBe(200)
    })

    it('lets at most one of simultaneous refreshes with one token through, and then ends the session', async () => {
      const login = await devLogin('rotation-c')
      const answers = await Promise.all(Array.from({ length: 8 }, () => refresh(login.refreshToken)))
      const won = answers.filter((a) => a.status === 200)
      expect(won.length).toBeLessThanOrEqual(1)
      for (const a of answers.filter((x) => x.status !== 200)) expect(a.body.error.code).toBe('TOKEN_INVALID')
      for (const a of won) expect((await me(a.body.accessToken)).status).toBe(401)
    })

    it('refuses a refresh token of another secret, an access token, and garbage', async () => {
      const login = await devLogin('rotation-d')
      for (const token of [login.accessToken, 'garbage', `${login.refreshToken}x`]) {
        const res = await refresh(token)
        expect(res.status).toBe(401)
        expect(res.body.error.code).toBe('TOKEN_INVALID')
      }
    })
  })

  describe('logout', () => {
    it('ends the session: its access and refresh tokens stop working at once, other sessions go on', async () => {
      const phone = await devLogin('logout-a')
      const tablet = await devLogin('logout-a')
      const out = await s.http.post('/api/auth/logout', { refreshToken: phone.refreshToken }, { idempotencyKey: 'logout-0001' })
      expect(out.status).toBe(200)
      expect(out.body).toEqual({ ok: true })
      expect((await me(phone.accessToken)).body.error.code).toBe('TOKEN_INVALID')
      expect((await refresh(phone.refreshToken)).status).toBe(401)
      expect((await me(tablet.accessToken)).status).toBe(200)
      // Logging out twice is harmless.
      expect((await s.http.post('/api/auth/logout', { refreshToken: phone.refreshToken })).status).toBe(200)
      const forged = await s.http.post('/api/auth/logout', { refreshToken: 'garbage' })
      expect(forged.status).toBe(401)
    })
  })

  describe('password change', () => {
    it('ends every session and gives this device a new one; the old password stops working', async () => {
      const account = await s.make.account()
      const a = (await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).body
      const b = (await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).body
      const changed = await s.http.post('/api/me/password', { currentPassword: account.password, newPassword: 'new-password-2026' }, {
        token: a.accessToken, idempotencyKey: 'password-0001',
      })
      expect(changed.status).toBe(200)
      expect(changed.body.user.id).toBe(account.id)
      expect((await me(changed.body.accessToken)).status).toBe(200)
      for (const old of [a, b]) {
        expect((await me(old.accessToken)).status).toBe(401)
        expect((await refresh(old.refreshToken)).status).toBe(401)
      }
      expect((await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).body.error.code).toBe('LOGIN_FAILED')
      expect((await s.http.post('/api/auth/staff', { username: account.username, password: 'new-password-2026' })).status).toBe(200)
    })

    it('refuses a wrong current password, a weak or unchanged new one, and accounts without a password', async () => {
      const account = await s.make.account()
      const token = (await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).body.accessToken
      const change = (body: object, t = token) => s.http.post('/api/me/password', body, { token: t })
      expect((await change({ currentPassword: 'wrong', newPassword: 'new-password-2026' })).body.error.code).toBe('PASSWORD_INCORRECT')
      const weak = await change({ currentPassword: account.password, newPassword: 'short' })
      expect(weak.body.error.code).toBe('VALIDATION_FAILED')
      expect(weak.body.error.details.fields[0].path).toBe('newPassword')
      expect((await change({ currentPassword: account.password, newPassword: account.username })).body.error.code).toBe('PASSWORD_REUSED')
      expect((await change({ currentPassword: account.password, newPassword: account.password })).body.error.code).toBe('PASSWORD_REUSED')
      const resident = (await devLogin('no-password')).accessToken
      const noPassword = await change({ currentPassword: 'x', newPassword: 'new-password-2026' }, resident)
      expect(noPassword.status).toBe(403)
      expect(noPassword.body.error.code).toBe('PASSWORD_NOT_SET')
      // Nothing changed: the original password still logs in.
      expect((await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).status).toBe(200)
    })
  })

  describe('managers and accounts', () => {
    it('disables an account (its sessions end at once) and enables it again', async () => {
      const admin = await s.http.staffToken('admin')
      const account = await s.make.account()
      const session = (await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).body
      const disabled = await s.http.request('PUT', `/api/admin/staff-accounts/${account.id}`, { disabled: true }, { token: admin })
      expect(disabled.status).toBe(200)
      expect(disabled.body).toMatchObject({ disabled: true })
      expect((await me(session.accessToken)).status).toBe(401)
      expect((await refresh(session.refreshToken)).status).toBe(401)
      expect((await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).body.error.code).toBe('ACCOUNT_DISABLED')
      expect((await s.http.request('PUT', `/api/admin/staff-accounts/${account.id}`, { disabled: false }, { token: admin })).body.disabled).toBe(false)
      expect((await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).status).toBe(200)
    })

    it('ends the sessions of an account whose role or region changes', async () => {
      const admin = await s.http.staffToken('admin')
      const account = await s.make.account()
      const session = (await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).body
      expect((await s.http.request('PUT', `/api/admin/staff-accounts/${account.id}`, { role: 'centre', regionId: await s.make.regionId('XT-YT-JSL') }, { token: admin })).status).toBe(200)
      expect((await me(session.accessToken)).status).toBe(401)
      expect((await refresh(session.refreshToken)).status).toBe(401)
    })

    it('resets a password: the old one stops working, sessions end, and the lock is cleared', async () => {
      const admin = await s.http.staffToken('admin')
      const account = await s.make.account()
      const session = (await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).body
      await s.database.db('users').where({ id: account.id }).update({ locked_at: new Date(), failed_logins: 10 })
      const reset = await s.http.post(`/api/admin/staff-accounts/${account.id}/reset-password`, { password: 'temporary-pass-77' }, { token: admin })
      expect(reset.status).toBe(200)
      expect(reset.body.lockedAt).toBeNull()
      expect((await me(session.accessToken)).status).toBe(401)
      expect((await refresh(session.refreshToken)).status).toBe(401)
      expect((await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).body.error.code).toBe('LOGIN_FAILED')
      expect((await s.http.post('/api/auth/staff', { username: account.username, password: 'temporary-pass-77' })).status).toBe(200)
      const weak = await s.http.post(`/api/admin/staff-accounts/${account.id}/reset-password`, { password: 'onlyletters' }, { token: admin })
      expect(weak.status).toBe(400)
    })

    it('signs an account out everywhere without changing anything else', async () => {
      const admin = await s.http.staffToken('admin')
      const account = await s.make.account()
      const session = (await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).body
      expect((await s.http.post(`/api/admin/staff-accounts/${account.id}/revoke-sessions`, undefined, { token: admin })).status).toBe(200)
      expect((await me(session.accessToken)).status).toBe(401)
      expect((await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).status).toBe(200)
    })

    it('keeps to managers, inside their region, and never their own account', async () => {
      const target = await s.make.account({ region: 'XT-YT-JSL-XFL' })
      const communityAdmin = await s.make.account({ role: 'admin', region: 'XT-YT-JSL-HP' })
      const token = (await s.http.post('/api/auth/staff', { username: communityAdmin.username, password: communityAdmin.password })).body.accessToken
      const outside = await s.http.post(`/api/admin/staff-accounts/${target.id}/revoke-sessions`, undefined, { token })
      expect(outside.status).toBe(404)
      const self = await s.http.post(`/api/admin/staff-accounts/${communityAdmin.id}/revoke-sessions`, undefined, { token })
      expect(self.status).toBe(409)
      expect(self.body.error.code).toBe('STAFF_ACCOUNT_SELF')
      const listed = (await s.http.get('/api/admin/staff-accounts', { token })).body.items.map((a: { id: number }) => a.id)
      expect(listed).toContain(communityAdmin.id)
      expect(listed).not.toContain(target.id)
      for (const username of ['staff', 'grid']) {
        const res = await s.http.request('PUT', `/api/admin/staff-accounts/${target.id}`, { disabled: true }, { token: await s.http.staffToken(username) })
        expect(res.status).toBe(403)
      }
      const resident = (await devLogin('not-admin')).accessToken
      expect((await s.http.get('/api/admin/staff-accounts', { token: resident })).status).toBe(403)
      expect((await s.database.db('users').where({ id: target.id }).first()).disabled).toBeFalsy()
    })
  })
})

describe('purging what ran out', () => {
  it('deletes refresh tokens a day past their expiry and expired abuse counters, and nothing current', async () => {
    const { purgeSessionsJob } = await import('../../jobs/purgeSessions')
    const s = await startTestServer('sqlite')
    try {
      const login = (await s.http.post('/api/auth/dev', { handle: 'purge' })).body
      const db = s.database.db
      const [current] = await db('refresh_tokens').select('id')
      const old = new Date(Date.now() - 3 * 86_400_000)
      await db('refresh_tokens').insert({ id: 'expired-token-0001', session_id: (await db('sessions').first('id')).id, expires_at: old, used_at: null, created_at: old })
      await db('rate_limits').insert([{ key: 'login_ip:old', points: 3, expire: Date.now() - 3 * 3_600_000 }, { key: 'login_ip:now', points: 1, expire: Date.now() + 600_000 }])
      const { processed } = await purgeSessionsJob.run({ db, config: s.config, logger: s.app.services.logger }, new Date())
      expect(processed).toBe(2)
      expect((await db('refresh_tokens').select('id')).map((r) => r.id)).toEqual([current.id])
      expect((await db('rate_limits').select('key')).map((r) => r.key)).toEqual(['login_ip:now'])
      expect((await s.http.post('/api/auth/refresh', { refreshToken: login.refreshToken })).status).toBe(200)
    } finally {
      await s.close()
    }
  })
})
