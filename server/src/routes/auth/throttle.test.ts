import { randomUUID } from 'node:crypto'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DbClient } from '../../db/knex'
import { testDatabaseKinds } from '../../testing/databases'
import { createHttpClient } from '../../testing/http'
import { spawnAnju, type AnjuProcess } from '../../testing/process'
import { startTestServer, type TestServer } from '../../testing/server'

/** The stores the limiters are tried on: the database of each kind, and Redis too when TEST_REDIS_URL is set. */
const stores: [DbClient, 'database' | 'redis'][] = [
  ...testDatabaseKinds().map((kind) => [kind, 'database'] as [DbClient, 'database']),
  ...(process.env.TEST_REDIS_URL ? [['sqlite', 'redis'] as [DbClient, 'redis']] : []),
]

function storeEnv(store: 'database' | 'redis'): Record<string, string> {
  return store === 'redis' ? { REDIS_URL: process.env.TEST_REDIS_URL!, REDIS_PREFIX: `anju-test-${randomUUID().slice(0, 8)}:` } : {}
}

const login = (s: TestServer, username: string, password: string, ip = '198.51.100.1') =>
  s.http.post('/api/auth/staff', { username, password }, { headers: { 'X-Forwarded-For': ip } })

describe.each(stores)('staff login throttle on %s (%s store)', (kind, store) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(kind, { env: { ...storeEnv(store), TRUST_PROXY: 'true', LOGIN_ATTEMPTS_PER_IP: '12' } })
  })
  afterAll(async () => {
    await s?.close()
  })

  it('lets 5 wrong guesses at one account be checked, then refuses every attempt, the right password too', async () => {
    const account = await s.make.account()
    const answers = []
    for (let i = 0; i < 40; i++) answers.push(await login(s, account.username, `guess-${i}`, `198.51.100.${10 + (i % 5)}`))
    expect(answers.slice(0, 5).map((a) => a.body.error.code)).toEqual(Array(5).fill('LOGIN_FAILED'))
    for (const a of answers.slice(5)) {
      expect(a.status).toBe(429)
      expect(a.body.error.code).toBe('LOGIN_THROTTLED')
      expect(Number(a.headers.get('Retry-After'))).toBeGreaterThan(0)
      expect(a.body.error.details.retryAfterSeconds).toBeGreaterThan(0)
    }
    const right = await login(s, account.username, account.password, '198.51.100.99')
    expect(right.status).toBe(429)
    expect(right.body.error.code).toBe('LOGIN_THROTTLED')
  })

  it('counts simultaneous guesses before checking them: 5 of 40 at once are checked', async () => {
    const account = await s.make.account()
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(s, account.username, `guess-${i}`, `198.51.101.${i % 7}`)))
    expect(answers.filter((a) => a.body.error?.code === 'LOGIN_FAILED')).toHaveLength(5)
    expect(answers.filter((a) => a.body.error?.code === 'LOGIN_THROTTLED')).toHaveLength(35)
  })

  it('a success starts the account\'s count again', async () => {
    const account = await s.make.account()
    for (let round = 0; round < 3; round++) {
      const ip = `198.51.102.${round}`
      for (let i = 0; i < 4; i++) expect((await login(s, account.username, 'wrong', ip)).body.error.code).toBe('LOGIN_FAILED')
      expect((await login(s, account.username, account.password, ip)).status).toBe(200)
    }
  })

  it('throttles one address guessing at many accounts, and only that address', async () => {
    const ip = '203.0.113.7'
    const answers = []
    for (let i = 0; i < 14; i++) answers.push(await login(s, `nobody-${randomUUID().slice(0, 6)}`, 'guess', ip))
    expect(answers.slice(0, 12).every((a) => a.body.error.code === 'LOGIN_FAILED')).toBe(true)
    expect(answers.slice(12).every((a) => a.body.error.code === 'LOGIN_THROTTLED')).toBe(true)
    const account = await s.make.account()
    expect((await login(s, account.username, account.password, ip)).body.error.code).toBe('LOGIN_THROTTLED')
    expect((await login(s, account.username, account.password, '203.0.113.8')).status).toBe(200)
  })
})

describe.each(testDatabaseKinds())('account lock on %s', (kind) => {
  let s: TestServer
  let admin: string
  beforeAll(async () => {
    s = await startTestServer(kind, { env: { LOGIN_ATTEMPTS_PER_ACCOUNT: '100', LOGIN_LOCK_AFTER_FAILURES: '3' } })
    admin = await s.http.staffToken('admin')
  })
  afterAll(async () => {
    await s?.close()
  })

  it('locks an account after repeated wrong passwords until an administrator unlocks it', async () => {
    const account = await s.make.account({ region: 'XT-YT-JSL-HP' })
    for (let i = 0; i < 3; i++) expect((await login(s, account.username, 'wrong')).body.error.code).toBe('LOGIN_FAILED')
    const locked = await login(s, account.username, account.password)
    expect(locked.status).toBe(423)
    expect(locked.body.error.code).toBe('ACCOUNT_LOCKED')

    const list = await s.http.get('/api/admin/staff-accounts', { token: admin })
    const listed = list.body.items.find((a: { id: number }) => a.id === account.id)
    expect(listed.lockedAt).not.toBeNull()
    expect(listed).not.toHaveProperty('passwordHash')

    const staff = await s.http.staffToken('staff')
    const notAdmin = await s.http.post(`/api/admin/staff-accounts/${account.id}/unlock`, undefined, { token: staff })
    expect(notAdmin.status).toBe(403)
    expect((await login(s, account.username, account.password)).status).toBe(423)

    const unlocked = await s.http.post(`/api/admin/staff-accounts/${account.id}/unlock`, undefined, { token: admin, idempotencyKey: `unlock-${account.id}` })
    expect(unlocked.status).toBe(200)
    expect(unlocked.body).toMatchObject({ id: account.id, lockedAt: null })
    expect((await login(s, account.username, account.password)).status).toBe(200)
  })

  it('locks once however many wrong passwords arrive at once', async () => {
    const account = await s.make.account()
    const answers = await Promise.all(Array.from({ length: 12 }, () => login(s, account.username, 'wrong')))
    for (const a of answers) expect(['LOGIN_FAILED', 'ACCOUNT_LOCKED']).toContain(a.body.error.code)
    const row = await s.database.db('users').where({ id: account.id }).first()
    expect(row.locked_at).not.toBeNull()
    expect((await login(s, account.username, account.password)).body.error.code).toBe('ACCOUNT_LOCKED')
  })
})

/** The counts live in the database (or Redis), so a second process of the same deployment sees them. */
describe.each(testDatabaseKinds())('login throttle shared across processes on %s', (kind) => {
  let s: TestServer
  let second: AnjuProcess
  let secondUrl: string
  beforeAll(async () => {
    s = await startTestServer(kind)
    const databaseUrl = s.database.config.client === 'sqlite' ? `sqlite:${s.database.config.filename}` : s.database.config.url
    second = spawnAnju('web', {
      DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', STATIC_DIR: '', ANJU_DEV_LOGIN: 'true', LOG_LEVEL: 'info',
    })
    secondUrl = `http://127.0.0.1:${(await second.waitForLog(/listening/)).port}`
  }, 120_000)
  afterAll(async () => {
    await second?.kill()
    await s?.close()
  })

  it('counts attempts made through either process against one limit', async () => {
    const account = await s.make.account()
    const other = createHttpClient(secondUrl)
    for (let i = 0; i < 3; i++) expect((await s.http.post('/api/auth/staff', { username: account.username, password: 'wrong' })).body.error.code).toBe('LOGIN_FAILED')
    const there = []
    for (let i = 0; i < 3; i++) there.push((await other.post('/api/auth/staff', { username: account.username, password: 'wrong' })).body.error.code)
    expect(there).toEqual(['LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_THROTTLED'])
    expect((await s.http.post('/api/auth/staff', { username: account.username, password: account.password })).body.error.code).toBe('LOGIN_THROTTLED')
  })
})

describe.skipIf(!process.env.TEST_REDIS_URL)('staff login throttle while Redis is still connecting', () => {
  it('waits for the first connection rather than answering 503', async () => {
    // A way to Redis whose first bytes take half a second, as on a busy host right after start.
    const target = new URL(process.env.TEST_REDIS_URL!)
    const slow = net.createServer((client) => {
      setTimeout(() => {
        const upstream = net.connect(Number(target.port || 6379), target.hostname)
        client.pipe(upstream).pipe(client)
        upstream.on('error', () => client.destroy())
        client.on('error', () => upstream.destroy())
      }, 500)
    })
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
    const port = (slow.address() as net.AddressInfo).port
    const s = await startTestServer('sqlite', { env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: `anju-test-${randomUUID().slice(0, 8)}:` } })
    try {
      const account = await s.make.account()
      const res = await login(s, account.username, 'a-wrong-password')
      expect(res.status).toBe(401)
      expect(res.body.error.code).toBe('LOGIN_FAILED')
    } finally {
      await s.close()
      slow.close()
    }
  })
})
