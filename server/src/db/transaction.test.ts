import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/databases'
import { isRetryableDbError, isUniqueViolation, withTransaction } from './transaction'

describe.each(testDatabaseKinds())('withTransaction on %s', (kind) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await createTestDatabase(kind)
    await t.db.schema.createTable('counters', (table) => {
      table.integer('id').primary()
      table.integer('n').notNullable()
    })
    await t.db('counters').insert([{ id: 1, n: 0 }, { id: 2, n: 0 }])
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('retries a transaction the database gave up on, and rolls back the failed attempt', async () => {
    let attempts = 0
    const result = await withTransaction(t.db, async (trx) => {
      attempts++
      await trx('counters').where({ id: 1 }).increment('n', 1)
      if (attempts < 3) throw Object.assign(new Error('Deadlock found'), { errno: 1213, code: 'ER_LOCK_DEADLOCK' })
      return 'done'
    }, { backoffMs: 1 })
    expect(result).toBe('done')
    expect(attempts).toBe(3)
    expect((await t.db('counters').where({ id: 1 }).first()).n).toBe(1)
  })

  it('gives up after a bounded number of attempts', async () => {
    let attempts = 0
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
    await expect(
      withTransaction(t.db, async () => {
        attempts++
        throw busy
      }, { attempts: 4, backoffMs: 1 }),
    ).rejects.toBe(busy)
    expect(attempts).toBe(4)
  })

  it('does not retry other errors', async () => {
    let attempts = 0
    await expect(
      withTransaction(t.db, async (trx) => {
        attempts++
        await trx('counters').insert({ id: 1, n: 5 })
      }),
    ).rejects.toSatisfy(isUniqueViolation)
    expect(attempts).toBe(1)
  })

  if (kind === 'mysql') it('survives a real deadlock between two transactions locking rows in opposite order', async () => {
    const before = await t.db('counters').orderBy('id')
    let deadlocks = 0
    const lockInOrder = (first: number, second: number) =>
      withTransaction(t.db, async (trx) => {
        try {
          await trx('counters').where({ id: first }).increment('n', 1)
          await new Promise((r) => setTimeout(r, 100))
          await trx('counters').where({ id: second }).increment('n', 1)
        } catch (err) {
          if (isRetryableDbError(err)) deadlocks++
          throw err
        }
      }, { backoffMs: 20 })
    await Promise.all([lockInOrder(1, 2), lockInOrder(2, 1)])
    expect(deadlocks).toBeGreaterThanOrEqual(1)
    const after = await t.db('counters').orderBy('id')
    expect(after.map((r) => r.n)).toEqual(before.map((r) => r.n + 2))
  })
})
