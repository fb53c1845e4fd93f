import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTransaction } from '../../server/src/db/transaction'
import { expireRedemption } from '../../server/src/commands/redemptions'
import { balanceOf, verifyLedger } from '../../server/src/ledger'
import { testDatabaseKinds } from '../../server/src/testing/databases'
import { startTestServer, type TestServer } from '../../server/src/testing/server'

/** Many callers at once over real HTTP: the mall never oversells, never double-spends, never loses points. */
describe.each(testDatabaseKinds())('mall under concurrency on %s', (kind) => {
  let s: TestServer
  let staff: string
  beforeAll(async () => {
    s = await startTestServer(kind)
    staff = await s.http.staffToken('staff')
  })
  afterAll(async () => {
    await s?.close()
  })

  const residents = (n: number, points: number) => s.make.residents(n, { points })

  it('lets exactly 3 of 50 simultaneous redemptions through a balance that covers 3', async () => {
    const [r] = await residents(1, 30)
    const rewardId = await s.make.reward({ cost: 10, stock: 100, limit: 100 })
    const answers = await Promise.all(Array.from({ length: 50 }, () => s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r!.token })))
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3)
    expect(answers.filter((a) => a.status === 409 && a.body.error.code === 'INSUFFICIENT_POINTS')).toHaveLength(47)
    expect(await balanceOf(s.database.db, r!.id)).toBe(0)
    expect((await s.http.get(`/api/rewards/${rewardId}`, { token: r!.token })).body.stockRemaining).toBe(97)
  })

  it('sells exactly the stock when 500 residents redeem a 10-piece reward at once, and stays responsive', async () => {
    const people = await residents(500, 10)
    const rewardId = await s.make.reward({ cost: 10, stock: 10, limit: 1 })
    const flash = Promise.all(people.map((p) => s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: p.token })))
    const health = await s.http.get('/healthz')
    const answers = await flash
    expect(health.status).toBe(200)
    const won = answers.filter((a) => a.status === 201)
    expect(won).toHaveLength(10)
    const lost = answers.filter((a) => a.status !== 201)
    expect(lost).toHaveLength(490)
    for (const a of lost) expect(a.body.error).toMatchObject({ code: 'SOLD_OUT', message: '已兑完' })
    expect((await s.http.get(`/api/rewards/${rewardId}`, { token: people[0]!.token })).body.stockRemaining).toBe(0)
    const spent = await s.database.db('redemptions').where({ reward_id: rewardId }).count({ n: '*' }).first()
    expect(Number(spent!.n)).toBe(10)
    let totalBalance = 0
    for (const p of people) totalBalance += await balanceOf(s.database.db, p.id)
    expect(totalBalance).toBe(490 * 10)
    expect((await verifyLedger(s.database.db)).problems).toEqual([])
    // The 500 residents and their awards are made in one transaction; the flash itself is 500 HTTP redemptions,
    // which took 38–43 s on the two-core machine under a load average of 18, so the test has 3 minutes.
  }, 180_000)

  it('answers one Idempotency-Key sent 20 times at once with one redemption and identical answers', async () => {
    const [r] = await residents(1, 100)
    const rewardId = await s.make.reward({ cost: 10, stock: 50, limit: 50 })
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r!.token, idempotencyKey: 'flash-retry-0001' })),
    )
    for (const a of answers) {
      expect(a.status).toBe(201)
      expect(a.body).toEqual(answers[0]!.body)
    }
    expect(await balanceOf(s.database.db, r!.id)).toBe(90)
  })

  it('answers one Idempotency-Key with the first answer even when the limit and the balance allow only one', async () => {
    // Repeats that looked the key up before the first committed, then meet its redemption (limit reached, no points
    // left), still get the first answer, not a refusal.
    for (let round = 0; round < 5; round++) {
      const [r] = await residents(1, 10)
      const rewardId = await s.make.reward({ cost: 10, stock: 50, limit: 1 })
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r!.token, idempotencyKey: `only-one-${round}-0001` })),
      )
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201))
      for (const a of answers) expect(a.body).toEqual(answers[0]!.body)
      expect(await balanceOf(s.database.db, r!.id)).toBe(0)
    }
  })

  it('lets exactly one of cancel, pickup and expiry win a race on one redemption', async () => {
    for (let round = 0; round < 6; round++) {
      const [r] = await residents(1, 10)
      const rewardId = await s.make.reward({ cost: 10, stock: 1 })
      const red = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r!.token })
      // Make it due for expiry now, so all three are possible at once.
      await s.database.db('redemptions').where({ id: red.body.id }).update({ expires_at: new Date(Date.now() + 150) })
      await new Promise((resolve) => setTimeout(resolve, 150 * (round % 2)))
      const [cancel, pickup, expired] = await Promise.all([
        s.http.post(`/api/redemptions/${red.body.id}/cancel`, undefined, { token: r!.token }),
        s.http.post('/api/staff/redemptions/fulfil', { code: red.body.code }, { token: staff }),
        withTransaction(s.database.db, (trx) => expireRedemption(trx, { redemptionId: red.body.id, now: new Date(Date.now() + 1000) })),
      ])
      const winners = [cancel.status === 200, pickup.status === 200, expired].filter(Boolean)
      expect(winners).toHaveLength(1)
      const row = await s.database.db('redemptions').where({ id: red.body.id }).first()
      const refunded = row.status !== 'fulfilled'
      expect(await balanceOf(s.database.db, r!.id)).toBe(refunded ? 10 : 0)
      expect((await s.database.db('rewards').where({ id: rewardId }).first()).stock_remaining).toBe(refunded ? 1 : 0)
    }
    expect((await verifyLedger(s.database.db)).problems).toEqual([])
  })

  it('keeps the ledger whole through a random mix of earning, redeeming, cancelling and expiring', async () => {
    const people = await residents(12, 40)
    const rewardId = await s.make.reward({ cost: 7, stock: 40, limit: 100 })
    let seed = 7
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const held: { id: string; token: string }[] = []
    const ops = Array.from({ length: 160 }, () => async () => {
      const p = people[Math.floor(random() * people.length)]!
      const roll = random()
      if (roll < 0.2) return s.make.givePoints(p.id, 1 + Math.floor(random() * 9))
      if (roll < 0.7) {
        const a = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: p.token })
        if (a.status === 201) held.push({ id: a.body.id, token: p.token })
        else expect(['INSUFFICIENT_POINTS', 'SOLD_OUT']).toContain(a.body.error.code)
        return
      }
      const h = held.splice(Math.floor(random() * held.length), 1)[0]
      if (!h) return
      if (roll < 0.85) return s.http.post(`/api/redemptions/${h.id}/cancel`, undefined, { token: h.token })
      return withTransaction(s.database.db, (trx) => expireRedemption(trx, { redemptionId: h.id, now: new Date(Date.now() + 30 * 86_400_000) }))
    })
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let op = ops.shift(); op; op = ops.shift()) await op()
    }))
    const report = await verifyLedger(s.database.db)
    expect(report.problems).toEqual([])
    const reward = await s.database.db('rewards').where({ id: rewardId }).first()
    const reserved = await s.database.db('redemptions').where({ reward_id: rewardId }).whereIn('status', ['reserved', 'fulfilled']).count({ n: '*' }).first()
    expect(reward.stock_remaining + Number(reserved!.n)).toBe(40)
  })
})
