import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTransaction } from '../db/transaction'
import { AppError } from '../errors'
import { regionsRepo } from '../repositories/regions'
import { usersRepo } from '../repositories/users'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/databases'
import { awardPoints, balanceOf, refundPoints, reverseAward, spendPoints, verifyLedger } from './index'

/** Concurrency: each test fires many callers at once through the pool and checks invariants after. */
describe.each(testDatabaseKinds())('ledger under concurrency on %s', (kind) => {
  let t: TestDatabase
  let regionId: number
  let staffId: number
  const newResident = () => usersRepo.insert(t.db, { openid: randomUUID(), displayName: '居民', role: 'resident' })
  const outcome = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p
      return 'ok'
    } catch (err) {
      if (err instanceof AppError) return err.code
      throw err
    }
  }
  const award = (userId: number, points: number, key = randomUUID()) =>
    withTransaction(t.db, (trx) =>
      awardPoints(trx, { at: new Date(), idempotencyKey: key, regionId, userId, points, source: { type: 'manual', id: key }, proposedBy: staffId, approvedBy: staffId }),
    )

  beforeAll(async () => {
    t = await createTestDatabase(kind)
    regionId = (await regionsRepo.insert(t.db, { parent: null, level: 'city', name: '测试市', code: 'C' })).id
    staffId = await usersRepo.insert(t.db, { username: 'c-staff', displayName: '员工', role: 'staff', regionId })
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('lets exactly 3 of 50 simultaneous spends through a balance that covers 3', async () => {
    const user = await newResident()
    await award(user, 30)
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        outcome(withTransaction(t.db, (trx) => spendPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), userId: user, regionId, points: 10, redemptionId: randomUUID() }))),
      ),
    )
    expect(results.filter((r) => r === 'ok')).toHaveLength(3)
    expect(results.filter((r) => r === 'INSUFFICIENT_POINTS')).toHaveLength(47)
    expect(await balanceOf(t.db, user)).toBe(0)
  })

  it('posts one effect for one key sent 20 times at once, with identical answers', async () => {
    const user = await newResident()
    const key = randomUUID()
    const results = await Promise.all(Array.from({ length: 20 }, () => award(user, 9, key)))
    expect(new Set(results.map((r) => r.id)).size).toBe(1)
    expect(results.filter((r) => !r.replayed)).toHaveLength(1)
    expect(await balanceOf(t.db, user)).toBe(9)
  })

  it('reverses an award once when two staff reverse it at the same moment', async () => {
    const user = await newResident()
    const { id } = await award(user, 15)
    const results = await Promise.all(
      [1, 2].map(() => outcome(withTransaction(t.db, (trx) => reverseAward(trx, { at: new Date(), transactionId: id, idempotencyKey: randomUUID(), actorId: staffId })))),
    )
    expect(results.sort()).toEqual(['ALREADY_REVERSED', 'ok'])
    expect(await balanceOf(t.db, user)).toBe(0)
  })

  it('keeps every invariant through a random mix of earn, spend and refund from many callers', async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => newResident()))
    let seed = 42
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const spent: { userId: number; points: number; redemptionId: string }[] = []
    const operations = Array.from({ length: 240 }, (_, i) => async () => {
      const userId = users[Math.floor(random() * users.length)]!
      const roll = random()
      if (roll < 0.45) return outcome(award(userId, 1 + Math.floor(random() * 20)))
      if (roll < 0.85) {
        const points = 1 + Math.floor(random() * 25)
        const redemptionId = randomUUID()
        const r = await outcome(withTransaction(t.db, (trx) => spendPoints(trx, { at: new Date(), idempotencyKey: `s-${redemptionId}`, userId, regionId, points, redemptionId })))
        if (r === 'ok') spent.push({ userId, points, redemptionId })
        return r
      }
      const refund = spent.splice(Math.floor(random() * spent.length), 1)[0]
      if (!refund) return 'nothing'
      return outcome(withTransaction(t.db, (trx) => refundPoints(trx, { at: new Date(), idempotencyKey: `f-${refund.redemptionId}-${i}`, ...refund, regionId, actorId: refund.userId })))
    })
    // 16 callers at a time.
    const queue = [...operations]
    const outcomes: string[] = []
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let op = queue.shift(); op; op = queue.shift()) outcomes.push(await op())
    }))
    expect(outcomes.filter((o) => o !== 'ok' && o !== 'INSUFFICIENT_POINTS' && o !== 'nothing')).toEqual([])
    const report = await verifyLedger(t.db)
    expect(report.problems).toEqual([])
    expect(report.transactions).toBeGreaterThan(100)
    for (const u of users) expect(await balanceOf(t.db, u)).toBeGreaterThanOrEqual(0)
  })
})
