import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTransaction } from '../db/transaction'
import { AppError } from '../errors'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/databases'
import { usersRepo } from '../repositories/users'
import { regionsRepo } from '../repositories/regions'
import {
  awardPoints, balanceOf, expirePoints, refundPoints, reverseAward, spendPoints, takeCheckpoint, verifyLedger,
} from './index'

const RESIDENTS = 50
const RUNS = 30
/** Callers posting at the same time: the order their operations reach the database is the interleaving. */
const LANES = 4

type Operation =
  | { op: 'award'; resident: number; points: number }
  | { op: 'spend'; resident: number; points: number }
  | { op: 'refund'; pick: number }
  | { op: 'expire'; resident: number; points: number }
  | { op: 'reverse'; pick: number }

const resident = fc.integer({ min: 0, max: RESIDENTS - 1 })
const points = fc.integer({ min: 1, max: 40 })
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('award' as const), resident, points }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('spend' as const), resident, points }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('refund' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('expire' as const), resident, points }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reverse' as const), pick: fc.nat() }) },
)
/** The operations, each with the lane that sends it. */
const schedule = fc.array(fc.tuple(operation, fc.integer({ min: 0, max: LANES - 1 })), { minLength: 5, maxLength: 30 })

/** The refusals the ledger is allowed to answer; anything else fails the property. */
const REFUSALS = new Set(['INSUFFICIENT_POINTS', 'ALREADY_REVERSED'])

describe.each(testDatabaseKinds())('ledger properties on %s', (kind) => {
  let t: TestDatabase
  let regionId: number
  let staffId: number
  let residents: number[] = []

  beforeAll(async () => {
    t = await createTestDatabase(kind)
    regionId = (await regionsRepo.insert(t.db, { parent: null, level: 'city', name: '性质市', code: 'P' })).id
    staffId = await usersRepo.insert(t.db, { username: 'property-staff', displayName: '员工', role: 'staff', regionId })
    for (let i = 0; i < RESIDENTS; i++) residents.push(await usersRepo.insert(t.db, { openid: randomUUID(), displayName: '居民', role: 'resident' }))
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('keeps balances at or above zero, the total at zero and the chain verified through any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(schedule, async (ops) => {
        const checkpoint = await takeCheckpoint(t.db)
        const awards: string[] = []
        const spends: { userId: number; points: number; redemptionId: string }[] = []
        const run = async (o: Operation): Promise<void> => {
          const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(t.db, work)
          switch (o.op) {
            case 'award': {
              const posted = await tx((trx) => awardPoints(trx, { at: new Date(),
                idempotencyKey: randomUUID(), regionId, userId: residents[o.resident]!, points: o.points,
                source: { type: 'report', id: randomUUID() }, proposedBy: staffId, approvedBy: staffId,
              }))
              awards.push(posted.id)
              return
            }
            case 'spend': {
              const redemptionId = randomUUID()
              await tx((trx) => spendPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), userId: residents[o.resident]!, regionId, points: o.points, redemptionId }))
              spends.push({ userId: residents[o.resident]!, points: o.points, redemptionId })
              return
            }
            case 'refund': {
              // Each redemption is refunded at most once, as the mall does.
              const [spend] = spends.splice(o.pick % Math.max(1, spends.length), 1)
              if (spend) await tx((trx) => refundPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), ...spend, regionId, actorId: staffId }))
              return
            }
            case 'expire':
              await tx((trx) => expirePoints(trx, { at: new Date(), idempotencyKey: randomUUID(), userId: residents[o.resident]!, regionId, points: o.points, cutoffDay: '2026-01-01' }))
              return
            case 'reverse': {
              // A full reversal when the points are still there, a clawback of what is left (and a shortfall) when not.
              const id = awards[o.pick % Math.max(1, awards.length)]
              if (id) await tx((trx) => reverseAward(trx, { at: new Date(), transactionId: id, idempotencyKey: randomUUID(), actorId: staffId }))
              return
            }
          }
        }
        const lanes = Array.from({ length: LANES }, (_, lane) => ops.filter(([, l]) => l === lane).map(([o]) => o))
        await Promise.all(lanes.map(async (lane) => {
          for (const o of lane) {
            try {
              await run(o)
            } catch (err) {
              if (!(err instanceof AppError && REFUSALS.has(err.code))) throw err
            }
          }
        }))

        for (const userId of residents) expect(await balanceOf(t.db, userId)).toBeGreaterThanOrEqual(0)
        const total = await t.db('ledger_accounts').sum({ total: 'balance' }).first()
        expect(Number(total!.total)).toBe(0)
        // Full and from the checkpoint taken before this run: both clean (the full run also checks the total is zero).
        expect((await verifyLedger(t.db)).problems).toEqual([])
        expect((await verifyLedger(t.db, { checkpoint })).problems).toEqual([])
      }),
      { seed: 1212, numRuns: RUNS },
    )
  })
})
