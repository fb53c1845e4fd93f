import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/databases'
import { isRetryableDbError, isUniqueViolation, withTransaction } from './transaction'
import { dbClientOf } from './knex'

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

  it('commits what the work did when it resolves, and answers its result', async () => {
    const before = (await t.db('counters').where({ id: 2 }).first()).n
    const answer = await withTransaction(t.db, async (trx) => {
      await trx('counters').where({ id: 2 }).increment('n', 5)
      const raw = await trx.raw('SELECT n FROM counters WHERE id = 2')
      return Number((kind === 'mysql' ? raw[0][0] : raw[0]).n)
    })
    expect(answer).toBe(before + 5)
    expect((await t.db('counters').where({ id: 2 }).first()).n).toBe(before + 5)
  })

  // SQLite has one connection: nothing else can look while a transaction is open.
  if (kind === 'mysql') it('keeps uncommitted writes invisible to other connections until commit', async () => {
    const before = (await t.db('counters').where({ id: 2 }).first()).n
    let seenInside: number | undefined
    await withTransaction(t.db, async (trx) => {
      await trx('counters').where({ id: 2 }).increment('n', 1)
      seenInside = (await t.db('counters').where({ id: 2 }).first()).n
    })
    expect(seenInside).toBe(before)
    expect((await t.db('counters').where({ id: 2 }).first()).n).toBe(before + 1)
  })

  it('rolls back everything the work did when it throws', async () => {
    const before = await t.db('counters').orderBy('id')
    const failure = new Error('work failed')
    await expect(withTransaction(t.db, async (trx) => {
      await trx('counters').where({ id: 1 }).increment('n', 7)
      await trx('counters').insert({ id: 9, n: 1 })
      throw failure
    })).rejects.toBe(failure)
    expect(await t.db('counters').orderBy('id')).toEqual(before)
  })

  it('runs trx.transaction in a savepoint: its failure undoes only its own writes', async () => {
    const before = (await t.db('counters').where({ id: 1 }).first()).n
    const outcome = await withTransaction(t.db, async (trx) => {
      await trx('counters').where({ id: 1 }).increment('n', 1)
      const inner = await trx.transaction(async (sub) => {
        await sub('counters').where({ id: 1 }).increment('n', 100)
        throw new Error('inner refused')
      }).catch((err: Error) => err.message)
      const kept = await trx.transaction(async (sub) => {
        await sub('counters').where({ id: 1 }).increment('n', 10)
        return 'kept'
      })
      return [inner, kept]
    })
    expect(outcome).toEqual(['inner refused', 'kept'])
    expect((await t.db('counters').where({ id: 1 }).first()).n).toBe(before + 11)
  })

  it('runs withTransaction called with a transaction as a savepoint inside it', async () => {
    const before = (await t.db('counters').where({ id: 2 }).first()).n
    await withTransaction(t.db, async (trx) => {
      await trx('counters').where({ id: 2 }).increment('n', 1)
      await withTransaction(trx, async (inner) => {
        await inner('counters').where({ id: 2 }).increment('n', 100)
        throw new Error('inner refused')
      }).catch(() => {})
      await withTransaction(trx, async (inner) => inner('counters').where({ id: 2 }).increment('n', 10))
    })
    expect((await t.db('counters').where({ id: 2 }).first()).n).toBe(before + 11)
  })

  it('refuses queries through a transaction handle once the transaction has ended', async () => {
    let leaked: Parameters<Parameters<typeof withTransaction>[1]>[0] | undefined
    await withTransaction(t.db, async (trx) => {
      leaked = trx
    })
    await expect(leaked!('counters').where({ id: 1 }).update({ n: 999 })).rejects.toThrow(/already complete/)
    expect((await t.db('counters').where({ id: 1 }).first()).n).not.toBe(999)
  })

  it('returns its connection to the pool whatever happens, so many transactions in a row never exhaust it', async () => {
    for (let i = 0; i < 60; i++) {
      await withTransaction(t.db, async (trx) => {
        await trx('counters').where({ id: 2 }).first()
        if (i % 2) throw new Error('odd')
      }).catch(() => {})
    }
    expect(await withTransaction(t.db, async (trx) => (await trx('counters').count({ c: '*' }).first())!.c)).toBeDefined()
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

  it('runs savepoints opened side by side one after the other: one failing never undoes the other', async () => {
    const before = (await t.db('counters').where({ id: 1 }).first()).n
    const outcome = await withTransaction(t.db, async (trx) => {
      const failing = trx.transaction(async (sub) => {
        await sub('counters').where({ id: 1 }).increment('n', 100)
        await new Promise((r) => setTimeout(r, 30))
        throw new Error('first refused')
      })
      const succeeding = trx.transaction(async (sub) => {
        await sub('counters').where({ id: 1 }).increment('n', 1)
        return 'second kept'
      })
      return Promise.allSettled([failing, succeeding])
    })
    expect(outcome.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual(['first refused', 'second kept'])
    expect((await t.db('counters').where({ id: 1 }).first()).n).toBe(before + 1)
  })

  it('retries optimistic-commit conflicts: Galera\'s deadlock at COMMIT and TiDB\'s write conflict', () => {
    expect(isRetryableDbError(Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { errno: 1213 }))).toBe(true)
    expect(isRetryableDbError(Object.assign(new Error('Write conflict, txnStartTS=1'), { errno: 9007 }))).toBe(true)
    expect(isRetryableDbError(Object.assign(new Error('Lock wait timeout exceeded'), { errno: 1205 }))).toBe(true)
    expect(isRetryableDbError(Object.assign(new Error('Duplicate entry'), { errno: 1062 }))).toBe(false)
  })

  // SQLite checks a deferred foreign key at COMMIT: a real commit that fails.
  if (kind === 'sqlite') it('reports a failed COMMIT, keeps nothing of it, and leaves the connection usable', async () => {
    expect(dbClientOf(t.db)).toBe('sqlite')
    await t.db.schema.createTable('children', (table) => {
      table.integer('id').primary()
      table.integer('counter_id').notNullable().references('id').inTable('counters')
    })
    await expect(withTransaction(t.db, async (trx) => {
      await trx.raw('PRAGMA defer_foreign_keys = ON')
      await trx('children').insert({ id: 1, counter_id: 404 })
    })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' })
    expect(await t.db('children').count({ n: '*' }).first()).toMatchObject({ n: 0 })
    await withTransaction(t.db, async (trx) => trx('children').insert({ id: 2, counter_id: 1 }))
    expect(await t.db('children').count({ n: '*' }).first()).toMatchObject({ n: 1 })
  })
})
