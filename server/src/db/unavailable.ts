import { isRetryableDbError } from './transaction'

/** MySQL/MariaDB error numbers that mean the server went away or is going, not that the statement was wrong. */
const SERVER_GONE_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1053, // ER_SERVER_SHUTDOWN
  1927, // ER_CONNECTION_KILLED
  2002, 2003, 2006, 2013, // client: cannot connect, server gone, lost connection during query
])
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED',
  'ER_CON_COUNT_ERROR', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT',
])

/**
 * True when a query failed because the database could not be reached (restarting, gone, out of connections,
 * or busy past every retry) rather than because of the request. Such a request may be retried as it is: with
 * its Idempotency-Key, a write that did commit before the connection dropped answers with its stored result.
 * Busy past every retry includes a transaction that lost every attempt to other writers (deadlock, lock wait,
 * a multi-primary certification conflict): withTransaction has already retried it, and it changed nothing.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  if (isRetryableDbError(err)) return true
  const e = err as { errno?: number; code?: string; name?: string; fatal?: boolean; message?: string }
  if (e.name === 'KnexTimeoutError') return true
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true
  if (typeof e.errno === 'number' && SERVER_GONE_ERRNOS.has(e.errno)) return true
  // mysql2 marks errors that ended the connection as fatal; knex reports a pool that could not connect this way.
  if (e.fatal === true) return true
  return typeof e.message === 'string' && /connection (is in closed state|lost)|Can't add new command when connection is in closed state/i.test(e.message)
}
