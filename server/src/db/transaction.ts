import type { Knex } from 'knex'
import { dbClientOf, type Db, type Trx } from './knex'

const MYSQL_DEADLOCK = 1213
const MYSQL_LOCK_WAIT_TIMEOUT = 1205

/** Errors worth retrying the whole transaction for: the database chose us as a victim, nothing else is wrong. */
export function isRetryableDbError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const e = err as { errno?: number; code?: string }
  if (e.errno === MYSQL_DEADLOCK || e.errno === MYSQL_LOCK_WAIT_TIMEOUT) return true
  if (e.code === 'ER_LOCK_DEADLOCK' || e.code === 'ER_LOCK_WAIT_TIMEOUT') return true
  if (e.code === 'LEDGER_SLOT_MOVED') return true
  return typeof e.code === 'string' && e.code.startsWith('SQLITE_BUSY')
}

export interface TransactionOptions {
  /** Attempts in all, including the first. */
  attempts?: number
  /** Base back-off; each retry waits a random time up to base × 2^attempt. */
  backoffMs?: number
}

/**
 * Runs `work` in a transaction, retrying deadlocks and lock timeouts a bounded number of times.
 * `work` may run more than once, so it must not have effects outside the transaction.
 * `trx.transaction(inner)`, or withTransaction(trx, inner), runs `inner` in a savepoint: its failure undoes only
 * what it did.
 */
export async function withTransaction<T>(
  db: Db,
  work: (trx: Trx) => Promise<T>,
  { attempts = 8, backoffMs = 5 }: TransactionOptions = {},
): Promise<T> {
  // Called with a transaction: a savepoint inside it, never a second BEGIN on its connection. No retry here:
  // a deadlock has undone the whole outer transaction, which is the outer withTransaction's to retry.
  if ((db as { isTransaction?: boolean }).isTransaction) return (db as unknown as Trx).transaction(work)
  for (let attempt = 1; ; attempt++) {
    try {
      return await runTransaction(db, work)
    } catch (err) {
      if (attempt >= attempts || !isRetryableDbError(err)) throw err
      const wait = Math.random() * backoffMs * 2 ** attempt
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  }
}

/** True when a write failed on a unique or primary key. */
export function isUniqueViolation(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const e = err as { errno?: number; code?: string }
  return e.errno === 1062 || e.code === 'ER_DUP_ENTRY' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE'
}

/**
 * One transaction on one pooled connection, with BEGIN, COMMIT and ROLLBACK sent straight to it.
 *
 * knex's own `db.transaction()` builds a complete knex instance for every transaction (well over a hundred
 * fresh functions, event forwarding, a promise chain per statement), which measured at two to three times the
 * CPU of the transaction's statements themselves. Here the handle given to `work` is a thin object that
 * inherits everything from `db` and swaps in a client pinned to the connection, so repositories use it exactly
 * like a knex transaction. Once the transaction has ended, any query made through the handle is refused.
 */
async function runTransaction<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  const client = db.client as KnexClient
  const connection = await client.acquireConnection()
  const state = { finished: false, savepoints: 0 }
  try {
    const trx = transactionHandle(db, pinnedClient(client, connection, state), state)
    await control(db, connection, 'BEGIN')
    let result: T
    try {
      result = await work(trx)
    } catch (err) {
      state.finished = true
      // A failed ROLLBACK (the connection is gone, say) must not hide why the work failed.
      await control(db, connection, 'ROLLBACK').catch(() => {})
      throw err
    }
    state.finished = true
    try {
      await control(db, connection, 'COMMIT')
    } catch (err) {
      // Never hand the pool a connection still inside a transaction.
      await control(db, connection, 'ROLLBACK').catch(() => {})
      throw err
    }
    return result
  } finally {
    state.finished = true
    await client.releaseConnection(connection)
  }
}

/** BEGIN, COMMIT or ROLLBACK, written straight to the driver's connection. */
function control(db: Db, connection: unknown, statement: 'BEGIN' | 'COMMIT' | 'ROLLBACK'): Promise<void> {
  if (dbClientOf(db) === 'sqlite') {
    try {
      ;(connection as { exec(sql: string): void }).exec(statement)
      return Promise.resolve()
    } catch (err) {
      return Promise.reject(err)
    }
  }
  return new Promise((resolve, reject) =>
    (connection as { query(sql: string, cb: (err: Error | null) => void): void }).query(statement, (err) => (err ? reject(err) : resolve())))
}

interface KnexClient {
  acquireConnection(): Promise<unknown>
  releaseConnection(connection: unknown): Promise<void>
  query(connection: unknown, query: unknown): Promise<unknown>
}

interface TransactionState {
  finished: boolean
  savepoints: number
}

/** The root client, except that every query runs on the transaction's connection, and only while it is open. */
function pinnedClient(client: KnexClient, connection: unknown, state: TransactionState): KnexClient {
  const pinned = Object.create(client) as KnexClient & { transacting: boolean }
  pinned.transacting = true
  pinned.acquireConnection = () =>
    state.finished ? Promise.reject(new Error('the transaction has already ended')) : Promise.resolve(connection)
  pinned.releaseConnection = () => Promise.resolve()
  pinned.query = (conn, query) =>
    state.finished ? Promise.reject(new Error('the transaction has already ended')) : client.query.call(pinned, conn, query)
  return pinned
}

/** A callable knex handle (`trx('table')`, `trx.raw`, …) whose context carries the pinned client. */
function transactionHandle(db: Db, client: KnexClient, state: TransactionState): Trx {
  const root = db as unknown as Knex & { context: object }
  const handle = function (this: unknown, table: string, options?: unknown) {
    return (handle as unknown as Knex).queryBuilder().table(table, options as never)
  } as unknown as Trx & { context: object & { client: unknown } }
  Object.setPrototypeOf(handle, root)
  handle.context = Object.create(root.context)
  handle.context.client = client
  const savepoint = async <R>(inner: (trx: Trx) => Promise<R>): Promise<R> => {
    const name = `anju_sp${++state.savepoints}`
    await handle.raw(`SAVEPOINT ${name}`)
    let result: R
    try {
      result = await inner(handle)
    } catch (err) {
      // After a deadlock the database has already rolled everything back; the original error is what matters.
      await handle.raw(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => {})
      throw err
    }
    await handle.raw(`RELEASE SAVEPOINT ${name}`)
    return result
  }
  // Defined rather than assigned: knex defines some of these names read-only on `db`, which `handle` inherits.
  const own = (value: unknown) => ({ value, configurable: true })
  Object.defineProperties(handle, {
    isTransaction: own(true),
    isCompleted: own(() => state.finished),
    transaction: own(savepoint),
    commit: own(() => Promise.reject(new Error('withTransaction commits when its work resolves'))),
    rollback: own(() => Promise.reject(new Error('withTransaction rolls back when its work throws'))),
  })
  return handle
}
