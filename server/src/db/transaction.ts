import type { Db, Trx } from './knex'

const MYSQL_DEADLOCK = 1213
const MYSQL_LOCK_WAIT_TIMEOUT = 1205
/** TiDB's optimistic-commit write conflict, reported at COMMIT. */
const TIDB_WRITE_CONFLICT = 9007

/**
 * Errors worth retrying the whole transaction for: the database chose us as a victim, nothing else is wrong.
 * A deadlock or lock wait inside the work, and an optimistic-commit conflict at COMMIT (Galera certification
 * answers 1213 there, TiDB 9007): in each case the database has already undone the transaction.
 */
export function isRetryableDbError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const e = err as { errno?: number; code?: string }
  if (e.errno === MYSQL_DEADLOCK || e.errno === MYSQL_LOCK_WAIT_TIMEOUT || e.errno === TIDB_WRITE_CONFLICT) return true
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
 * Runs `work` in a knex transaction (`db.transaction`), retrying deadlocks, lock timeouts and commit conflicts a
 * bounded number of times. `work` may run more than once, so it must not have effects outside the transaction.
 *
 * `trx.transaction(inner)`, or withTransaction(trx, inner), runs `inner` in a savepoint: its failure undoes
 * only what it did. Savepoints opened side by side on one transaction run one after the other (knex queues a
 * transaction's children), so one's rollback never undoes another's work. Once the transaction has ended,
 * every statement through its handle is refused, the ledger's prepared statements included (see ledger/sql.ts).
 */
export async function withTransaction<T>(
  db: Db | Trx,
  work: (trx: Trx) => Promise<T>,
  { attempts = 8, backoffMs = 5 }: TransactionOptions = {},
): Promise<T> {
  // Called with a transaction: a savepoint inside it, never a second BEGIN on its connection. No retry here:
  // a deadlock has undone the whole outer transaction, which is the outer withTransaction's to retry.
  if ((db as Trx).isTransaction) return (db as Trx).transaction(work)
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work)
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
