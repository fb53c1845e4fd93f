import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as earnedPositions from '../db/migrations/20261126_210_earned_positions'
import { withTransaction } from '../db/transaction'
import { AppError } from '../errors'
import { regionsRepo } from '../repositories/regions'
import { usersRepo } from '../repositories/users'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/databases'
import { awardPoints, earnedSince, expirePoints, refundPoints, repayDebt, reverseAward, spendPoints, verifyLedger } from './index'

const DAY = 24 * 60 * 60 * 1000
/** Instants on both sides of two China day boundaries: postings land either side of a cutoff, some in one millisecond. */
const BASE = Date.parse('2026-03-01T00:00:00+08:00')
const INSTANTS = [BASE - DAY, BASE - 1, BASE, BASE + 1, BASE + DAY - 1, BASE + DAY, BASE + DAY + 5, BASE + 2 * DAY]
const CUTOFFS = [BASE - 2 * DAY, ...INSTANTS, BASE + 3 * DAY]

type Operation =
  | { op: 'award' | 'spend' | 'repay' | 'expire'; points: number; at: number }
  | { op: 'refund' | 'reverse'; pick: number; at: number }

const at = fc.constantFrom(...INSTANTS)
const points = fc.integer({ min: 1, max: 30 })
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('award' as const), points, at }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('spend' as const), points, at }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('refund' as const), pick: fc.nat(), at }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reverse' as const), pick: fc.nat(), at }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('repay' as const), points, at }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('expire' as const), points, at }) },
)
/** A history, posted in time order (the usual case) or in the order generated (clocks that disagree, backdating). */
const history = fc.record({ ops: fc.array(operation, { minLength: 1, maxLength: 20 }), inTimeOrder: fc.boolean() })

const REFUSALS = new Set(['INSUFFICIENT_POINTS', 'ALREADY_REVERSED'])

describe.each(testDatabaseKinds())('what a resident earned since a cutoff, on %s', (kind) => {
  let t: TestDatabase
  let regionId: number
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(t.db, work)
  const newResident = () => usersRepo.insert(t.db, { openid: randomUUID(), displayName: '居民', role: 'resident' })
  const award = (userId: number, amount: number, when: Date) =>
    tx((trx) => awardPoints(trx, { at: when, idempotencyKey: randomUUID(), regionId, userId, points: amount, source: { type: 'manual', id: randomUUID() }, proposedBy: null, approvedBy: null }))

  /** The rule, read off the stored rows: awards dated since the cutoff, and reversals of awards dated since it. */
  async function byTheRule(userId: number, since: number): Promise<number> {
    const rows = await t.db('ledger_postings as p')
      .join('ledger_accounts as a', 'a.id', 'p.account_id')
      .join('ledger_transactions as x', 'x.id', 'p.transaction_id')
      .leftJoin('ledger_transactions as o', 'o.id', 'x.reverses_id')
      .where('a.account_key', `resident:${userId}`)
      .select('p.amount', 'p.created_at', 'x.kind', 'o.created_at as original_at')
    let sum = 0
    for (const r of rows) {
      if (new Date(r.created_at).getTime() < since) continue
      if (r.kind === 'award') sum += Number(r.amount)
      if (r.kind === 'reversal' && r.original_at !== null && new Date(r.original_at).getTime() >= since) sum += Number(r.amount)
    }
    return sum
  }

  beforeAll(async () => {
    t = await createTestDatabase(kind)
    regionId = (await regionsRepo.insert(t.db, { parent: null, level: 'city', name: '有效期市', code: 'E' })).id
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('answers by the rule for any history and cutoff: out of time order, reversed, repaid, spent, refunded and expired', async () => {
    await fc.assert(
      fc.asyncProperty(history, async ({ ops, inTimeOrder }) => {
        const userId = await newResident()
        const awards: string[] = []
        const spends: { points: number; redemptionId: string }[] = []
        const run = async (o: Operation) => {
          const when = new Date(o.at)
          switch (o.op) {
            case 'award':
              awards.push((await award(userId, o.points, when)).id)
              return
            case 'spend': {
              const redemptionId = randomUUID()
              await tx((trx) => spendPoints(trx, { at: when, idempotencyKey: randomUUID(), userId, regionId, points: o.points, redemptionId }))
              spends.push({ points: o.points, redemptionId })
              return
            }
            case 'refund': {
              const [spend] = spends.splice(o.pick % Math.max(1, spends.length), 1)
              if (spend) await tx((trx) => refundPoints(trx, { at: when, idempotencyKey: randomUUID(), userId, regionId, ...spend, actorId: null }))
              return
            }
            case 'reverse': {
              const id = awards[o.pick % Math.max(1, awards.length)]
              if (id) await tx((trx) => reverseAward(trx, { at: when, transactionId: id, idempotencyKey: randomUUID(), actorId: null }))
              return
            }
            case 'repay':
              await tx((trx) => repayDebt(trx, { at: when, idempotencyKey: randomUUID(), userId, regionId, points: o.points, source: { type: 'manual', id: randomUUID() }, actorId: null }))
              return
            case 'expire':
              await tx((trx) => expirePoints(trx, { at: when, idempotencyKey: randomUUID(), userId, regionId, points: o.points, cutoffDay: '2025-03-01' }))
          }
        }
        for (const o of inTimeOrder ? [...ops].sort((a, b) => a.at - b.at) : ops) {
          try {
            await run(o)
          } catch (err) {
            if (!(err instanceof AppError && REFUSALS.has(err.code))) throw err
          }
        }
        for (const cutoff of CUTOFFS) {
          expect(await earnedSince(t.db, userId, new Date(cutoff)), `since ${new Date(cutoff).toISOString()}`).toBe(await byTheRule(userId, cutoff))
        }
      }),
      { seed: 210, numRuns: 40 },
    )
    expect((await verifyLedger(t.db)).problems).toEqual([])

    // The migration's backfill arrives at the marks the posting path kept.
    const marks = async () => ({
      postings: (await t.db('ledger_postings').orderBy(['account_id', 'account_seq']).select('account_id', 'account_seq', 'prior_earned'))
        .map((p) => `${p.account_id}/${p.account_seq}: ${p.prior_earned}`),
      accounts: (await t.db('ledger_accounts').orderBy('id').select('id', 'head_at', 'irregular_until'))
        .map((a) => `${a.id}: ${a.head_at === null ? '-' : new Date(a.head_at).getTime()} ${a.irregular_until === null ? '-' : new Date(a.irregular_until).getTime()}`),
    })
    const kept = await marks()
    expect(kept.accounts.some((a) => !a.endsWith(' -')), 'some history is out of order or reversed').toBe(true)
    await earnedPositions.down(t.db)
    await earnedPositions.up(t.db)
    expect(await marks()).toEqual(kept)
  })

  it('reads two postings, not the resident\'s history since the cutoff, when that history is in time order', async () => {
    const userId = await newResident()
    const start = Date.now() - 30 * DAY
    for (let i = 0; i < 120; i++) await award(userId, 1 + (i % 5), new Date(start + i * 60_000))
    const statements: { sql: string; bindings: unknown[] }[] = []
    const listen = (q: { sql: string; bindings: unknown[] }) => statements.push(q)
    t.db.on('query', listen)
    const since = new Date(start + 10 * 60_000)
    const earned = await earnedSince(t.db, userId, since)
    t.db.off('query', listen)
    expect(earned).toBe(await byTheRule(userId, since.getTime()))
    for (const { sql, bindings } of statements) {
      expect(sql, 'no transaction is read').not.toMatch(/ledger_transactions/)
      if (kind === 'mysql') {
        const [plan] = await t.db.raw(`ANALYZE ${sql}`, bindings as never[])
        const read = (plan as { table: string | null; r_rows: number | null }[]).reduce((sum, row) => sum + Number(row.r_rows ?? 0), 0)
        expect(read, sql).toBeLessThanOrEqual(3)
      } else {
        const plan = (await t.db.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings as never[])) as { detail: string }[]
        for (const { detail } of plan.filter((r) => /ledger_postings/.test(r.detail))) expect(detail).toMatch(/SEARCH .*created_at/)
      }
    }
    // A reversal since the cutoff makes the postings count one by one, and the answer stays the rule's.
    const last = await award(userId, 7, new Date(start + 200 * 60_000))
    await tx((trx) => reverseAward(trx, { at: new Date(start + 201 * 60_000), transactionId: last.id, idempotencyKey: randomUUID(), actorId: null }))
    expect(await earnedSince(t.db, userId, since)).toBe(await byTheRule(userId, since.getTime()))
    expect((await verifyLedger(t.db)).problems).toEqual([])
  })
})
