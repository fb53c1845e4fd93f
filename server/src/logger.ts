import pino, { type DestinationStream, type Logger } from 'pino'

/** Fields that identify or reach a person, or open a session: never logged, at the top level or one below. */
const SECRET_FIELDS = [
  'password', 'accessToken', 'refreshToken', 'authorization', 'session_key', 'sessionKey',
  'openid', 'unionid', 'phone', 'phoneNumber', 'purePhoneNumber',
]

const DB_ERROR_CODE = /^(ER_|SQLITE_)/
const STATEMENT_TABLE = /^\s*(insert\s+into|update|delete\s+from|select\b[\s\S]*?\bfrom)\s+[`"]?(\w+)/i

interface DbError extends Error {
  code?: string
  errno?: number
  sqlState?: string
  sql?: string
  cause?: unknown
}

const isDbError = (err: DbError) => typeof err.sql === 'string' || (typeof err.code === 'string' && DB_ERROR_CODE.test(err.code))

/**
 * Database errors carry the statement with its values (knex puts the SQL, values bound, in the message; mysql2
 * adds `sql` and a `sqlMessage` quoting the duplicate value): an openid or a report's text would end up in the
 * logs. They are logged by code, the statement's table and where they were thrown, never by message.
 */
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return pino.stdSerializers.err(err as Error)
  const e = err as DbError
  const db = isDbError(e) ? e : e.cause instanceof Error && isDbError(e.cause as DbError) ? (e.cause as DbError) : undefined
  if (!db) return pino.stdSerializers.err(err)
  const table = (db.sql ?? db.message).match(STATEMENT_TABLE)
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line))
  return {
    type: err.constructor.name,
    message: `database error ${db.code ?? ''}`.trim(),
    code: db.code,
    errno: db.errno,
    sqlState: db.sqlState,
    table: table?.[2],
    stack: [`${err.constructor.name}: database error ${db.code ?? ''}`.trim(), ...frames].join('\n'),
  }
}

/**
 * Structured JSON logs with no personal data: secrets and identifiers redacted, database errors without values.
 * By default to stdout without blocking: a line is handed to the kernel as soon as the previous write is done,
 * so a quiet process logs at once and a busy one writes many request lines per system call instead of one
 * each. pino flushes what is still queued when the process exits.
 */
export function createLogger(level: string, destination: DestinationStream = pino.destination({ dest: 1, sync: false })): Logger {
  return pino({
    level,
    base: { service: 'anju' },
    serializers: { err: serializeError },
    redact: { paths: SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]), censor: '[redacted]' },
  }, destination)
}
