import { randomUUID } from 'node:crypto'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isDatabaseUnavailable } from '../../server/src/db/unavailable'
import { verifyLedger } from '../../server/src/ledger'
import { reportBody } from '../../server/src/testing/cases'
import { testDatabaseKinds } from '../../server/src/testing/databases'
import { startPrivateMariadb, type PrivateMariadb } from '../../server/src/testing/privateMariadb'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { requestOnce, type Outcome } from './support'

describe('telling a database out of reach from a bad request', () => {
  it('treats lost connections, refused connections, shutdowns and pool timeouts as retryable, and nothing else', () => {
    const retryable = [
      { code: 'PROTOCOL_CONNECTION_LOST', fatal: true },
      { code: 'ECONNREFUSED', errno: -111 },
      { code: 'ER_SERVER_SHUTDOWN', errno: 1053 },
      { code: 'ER_CONNECTION_KILLED', errno: 1927 },
      { name: 'KnexTimeoutError', message: 'Knex: Timeout acquiring a connection. The pool is probably full.' },
      { message: "Can't add new command when connection is in closed state" },
      { code: 'SQLITE_BUSY' },
      // Busy past every retry: a transaction that kept losing conflicts (a multi-primary certification failure, a
      // deadlock, a lock wait, TiDB's write conflict) is refused retryably too.
      { code: 'ER_LOCK_DEADLOCK', errno: 1213 },
      { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 },
      { errno: 9007 },
    ]
    const notRetryable = [
      { code: 'ER_DUP_ENTRY', errno: 1062 },
      { code: 'ER_PARSE_ERROR', errno: 1064 },
      { code: 'SQLITE_CONSTRAINT_UNIQUE' },
      new TypeError('x is undefined'),
      null,
      'boom',
    ]
    for (const err of retryable) expect(isDatabaseUnavailable(err), JSON.stringify(err)).toBe(true)
    for (const err of notRetryable) expect(isDatabaseUnavailable(err), String(err)).toBe(false)
  })
})

/**
 * MariaDB crashes (SIGKILL) and comes back while a flash redemption and report intake are in flight. Every
 * request is either committed or answered with a retryable 503; retried with its Idempotency-Key, each gets its
 * one outcome; nothing committed is lost and the ledger verifies. This runs a MariaDB of its own on another port,
 * so the shared server other tests use is never restarted.
 */
describe.each(testDatabaseKinds().filter((kind) => kind === 'mysql'))('%s restarted mid-load', (kind) => {
  let mariadb: PrivateMariadb
  let s: TestServer
  beforeAll(async () => {
    mariadb = await startPrivateMariadb()
    s = await startTestServer(kind, { mysqlUrl: mariadb.url })
  }, 180_000)
  afterAll(async () => {
    await s?.close().catch(() => undefined)
    await mariadb?.destroy()
  })

  it('commits or refuses retryably every request, and loses nothing', async () => {
    const people = await s.make.residents(60, { points: 20 })
    const rewardId = await s.make.reward({ cost: 10, stock: 40, limit: 5 })
    type Call = { kind: 'redeem' | 'report'; token: string; key: string; body?: unknown; path: string }
    const calls: Call[] = [
      ...people.map((p) => ({ kind: 'redeem' as const, token: p.token, key: `redeem-${randomUUID()}`, path: `/api/rewards/${rewardId}/redeem` })),
      ...people.slice(0, 30).map((p) => ({ kind: 'report' as const, token: p.token, key: `report-${randomUUID()}`, path: '/api/cases', body: reportBody() })),
    ]
    const send = (c: Call) => requestOnce(s.url, 'POST', c.path, { token: c.token, idempotencyKey: c.key, body: c.body })

    // The database dies once a few answers are out, with the rest in flight, and comes back a moment later.
    let answered = 0
    let crash: Promise<void> | undefined
    const first: Outcome[] = await Promise.all(calls.map(async (c) => {
      const outcome = await send(c)
      if (++answered === 8) {
        crash = (async () => {
          await mariadb.kill()
          await new Promise((resolve) => setTimeout(resolve, 1500))
          await mariadb.start()
        })()
      }
      return outcome
    }))
    await crash
    expect(crash).toBeDefined()

    const statuses = (outcomes: Outcome[]) => outcomes.map((o) => ('status' in o ? o.status : o.error))
    // Every request was answered: committed (2xx), refused for what it asked (4xx), or retryable (503).
    for (const o of first) {
      expect('status' in o, JSON.stringify(o)).toBe(true)
      const { status, body } = o as { status: number; body: any }
      expect([200, 201, 409, 429, 503].includes(status) || (status >= 400 && status < 500), `${status} ${JSON.stringify(body)}`).toBe(true)
      if (status === 503) expect(body.error.code).toBe('SERVICE_UNAVAILABLE')
      if (status >= 400) expect(body.error.message).toMatch(/[\u4e00-\u9fa5]/)
    }
    expect(statuses(first)).toContain(503)

    // Retried with the same key until each has its outcome.
    const final = [...first]
    for (let round = 0; round < 20 && final.some((o) => 'status' in o && o.status === 503); round++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      await Promise.all(calls.map(async (c, i) => {
        const o = final[i]!
        if ('status' in o && o.status === 503) final[i] = await send(c)
      }))
    }
    for (const o of final) {
      expect('status' in o && o.status !== 503 && o.status < 500, JSON.stringify(o)).toBe(true)
    }

    // What was answered as done is exactly what the database holds: nothing lost, nothing extra.
    const redeemed = calls.map((c, i) => ({ c, o: final[i] as { status: number; body: any } }))
      .filter(({ c, o }) => c.kind === 'redeem' && o.status === 201).map(({ o }) => o.body.id as string)
    const rows = await s.database.db('redemptions').where({ reward_id: rewardId }).select('id')
    expect(rows.map((r) => r.id).sort()).toEqual([...redeemed].sort())
    expect(new Set(redeemed).size).toBe(redeemed.length)
    const reward = await s.database.db('rewards').where({ id: rewardId }).first()
    expect(Number(reward.stock_remaining) + redeemed.length).toBe(40)
    for (const { c, o } of calls.map((c, i) => ({ c, o: final[i] as { status: number; body: any } })).filter(({ c }) => c.kind === 'redeem')) {
      if (o.status !== 201) expect(['SOLD_OUT', 'INSUFFICIENT_POINTS', 'REDEMPTION_LIMIT_REACHED']).toContain(o.body.error.code)
    }
    const filed = calls.map((c, i) => ({ c, o: final[i] as { status: number; body: any } }))
      .filter(({ c, o }) => c.kind === 'report' && o.status === 201).map(({ o }) => Number(o.body.case.id))
    expect(filed).toHaveLength(30)
    const cases = await s.database.db('cases').whereIn('reporter_id', people.slice(0, 30).map((p) => p.id)).select('id')
    expect(cases.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual([...filed].sort((a, b) => a - b))
    expect((await verifyLedger(s.database.db)).problems).toEqual([])
  }, 300_000)
})

/**
 * A write that keeps losing to another (a row held locked here; on a multi-primary cluster, a hot row written on
 * several nodes at once) is retried by the transaction layer; once every attempt has lost, the request is refused
 * like a database out of reach: 503 with Retry-After, changing nothing, so the client sends it again with its key.
 */
describe.each(testDatabaseKinds().filter((kind) => kind === 'mysql'))('%s busy past every retry', (kind) => {
  let mariadb: PrivateMariadb
  let s: TestServer
  beforeAll(async () => {
    mariadb = await startPrivateMariadb({ args: ['--innodb-lock-wait-timeout=1'] })
    s = await startTestServer(kind, { mysqlUrl: mariadb.url })
  }, 180_000)
  afterAll(async () => {
    await s?.close().catch(() => undefined)
    await mariadb?.destroy()
  })

  it('answers 503 SERVICE_UNAVAILABLE, not 500, and the same key succeeds once the row is free', async () => {
    const staff = await s.http.staffToken('staff')
    const centre = await s.http.staffToken('centre')
    const r = await s.make.resident()
    const proposed = await s.http.post('/api/staff/awards/manual', { userId: r.id, points: 10, reason: '扶老人过马路' }, { token: staff })
    expect(proposed.status).toBe(201)
    const holder = await mysql.createConnection(s.database.config.client === 'mysql' ? s.database.config.url : '')
    try {
      await holder.query('BEGIN')
      await holder.query('SELECT id FROM awards WHERE id = ? FOR UPDATE', [proposed.body.id])
      const busy = await s.http.post(`/api/staff/awards/${proposed.body.id}/approve`, undefined, { token: centre, idempotencyKey: 'approve-while-held-0001' })
      expect({ status: busy.status, code: busy.body.error?.code }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' })
      expect(busy.body.error.message).toBe('服务暂时不可用，请稍后再试')
      expect(busy.headers.get('retry-after')).toBe('2')
      expect((await s.http.get('/api/points/summary', { token: r.token })).body).toMatchObject({ balance: 0, pending: 10 })
    } finally {
      await holder.query('ROLLBACK')
      await holder.end()
    }
    const again = await s.http.post(`/api/staff/awards/${proposed.body.id}/approve`, undefined, { token: centre, idempotencyKey: 'approve-while-held-0001' })
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ status: 'approved', grantedPoints: 10 })
    expect((await s.http.get('/api/points/summary', { token: r.token })).body).toMatchObject({ balance: 10, pending: 0 })
  }, 120_000)
})
