import type { Db, Trx } from './knex'

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
 */
export async function withTransaction<T>(
  db: Db,
  work: (trx: Trx) => Promise<T>,
  { attempts = 8, backoffMs = 5 }: TransactionOptions = {},
): Promise<T> {
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
