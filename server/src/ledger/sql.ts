import type Database from 'better-sqlite3'
import { dbClientOf, type Trx } from '../db/knex'

/**
 * The ledger's statements run on the transaction's own connection, with plain SQL and no query builder:
 * posting is the hottest write in the product, and the builder costs more CPU than the statements. They are
 * prepared once per connection (server-side on MySQL, cached on SQLite). The transaction itself (BEGIN, COMMIT,
 * retries) belongs to the caller's withTransaction; a statement after it has ended is refused.
 */
export interface LedgerSql {
  dialect: 'mysql' | 'sqlite'
  all<T>(sql: string, params: unknown[]): Promise<T[]>
  /** Runs a write; answers the number of rows it changed. */
  run(sql: string, params: unknown[]): Promise<number>
  /**
   * Account slots as this process last read or wrote them on this database ("account_key#slot" → row). Only a
   * hint: a slot's row id never changes (rows are never deleted), but anyone may have posted to it since, so
   * what is taken from here is checked under the slot's lock before anything is written.
   */
  slots: Map<string, SlotRow>
  /**
   * Slots this process's open transactions have posted to ("account_key#slot" → how many), whose locks they hold
   * until they end: a posting to a many-slot account picks another while one is free.
   */
  busy: Map<string, number>
  /**
   * MySQL: whether `ledger_post_pair` (migration 20261126_230) may be called; false on an engine without stored
   * procedures, once a call has found it missing.
   */
  pairProcedure: boolean
  /** Records that `ledger_post_pair` is missing on this database: later postings use plain statements. */
  noPairProcedure(): void
}

/** A time as either driver returns it (MySQL a Date, SQLite milliseconds), or none. */
export type StoredTime = Date | number | null

/** An account slot's row, as the ledger locks and moves it. */
export interface SlotRow {
  id: number
  account_key: string
  slot: number
  kind: string
  balance: number | string
  earned: number | string
  head_seq: number
  head_hash: string
  head_at: StoredTime
  irregular_until: StoredTime
}

type Callback = (err: Error | null, result: unknown) => void

interface MysqlStatement {
  execute(values: unknown[], cb: Callback): void
}

interface MysqlConnection {
  prepare(sql: string, cb: (err: Error | null, statement: MysqlStatement) => void): void
}

/** Each connection's prepared statements, by SQL: executed directly, without looking them up by text each time. */
const mysqlStatements = new WeakMap<MysqlConnection, Map<string, Promise<MysqlStatement>>>()

function mysqlStatement(conn: MysqlConnection, sql: string): Promise<MysqlStatement> {
  let cache = mysqlStatements.get(conn)
  if (!cache) mysqlStatements.set(conn, (cache = new Map()))
  let statement = cache.get(sql)
  if (!statement) {
    statement = new Promise((resolve, reject) => conn.prepare(sql, (err, s) => (err ? reject(err) : resolve(s))))
    // A failed prepare is not remembered: the next use tries again.
    statement.catch(() => cache.delete(sql))
    cache.set(sql, statement)
  }
  return statement
}

/** Per database (its knex config object is shared by the root client and every transaction's client). */
const slotCaches = new WeakMap<object, Map<string, SlotRow>>()
const MAX_CACHED_SLOTS = 100_000
const databasesWithoutPairProcedure = new WeakSet<object>()
const busyCaches = new WeakMap<object, Map<string, number>>()

const configOf = (trx: Trx) => (trx.client as { config: object }).config

function slotsOf(trx: Trx): Map<string, SlotRow> {
  const config = configOf(trx)
  let cache = slotCaches.get(config)
  if (!cache) slotCaches.set(config, (cache = new Map()))
  // Bounded: a city's worth of residents stays cached; past that, start over rather than grow without end.
  if (cache.size > MAX_CACHED_SLOTS) cache.clear()
  return cache
}

function busyOf(trx: Trx): Map<string, number> {
  const config = configOf(trx)
  let busy = busyCaches.get(config)
  if (!busy) busyCaches.set(config, (busy = new Map()))
  return busy
}

const sqliteStatements = new WeakMap<Database.Database, Map<string, Database.Statement>>()

/** better-sqlite3 binds neither dates nor booleans; knex turns them into these, and so does this. */
function sqliteParam(value: unknown): unknown {
  if (value instanceof Date) return value.valueOf()
  if (typeof value === 'boolean') return value ? 1 : 0
  return value
}

/**
 * Refuses a statement once the transaction has ended. Its connection is back in the pool by then: a statement
 * sent anyway would run in autocommit, or inside whatever transaction borrowed the connection next.
 */
function stillOpen(trx: Trx): void {
  if (trx.isCompleted()) throw new Error('the transaction has already ended: ledger statement refused')
}

export async function ledgerSql(trx: Trx): Promise<LedgerSql> {
  stillOpen(trx)
  // Inside a knex transaction, acquireConnection answers the transaction's connection.
  const connection = await (trx.client as { acquireConnection(): Promise<unknown> }).acquireConnection()
  if (dbClientOf(trx) === 'mysql') {
    const conn = connection as MysqlConnection
    const execute = async (sql: string, values: unknown[]) => {
      stillOpen(trx)
      const statement = await mysqlStatement(conn, sql)
      stillOpen(trx)
      return new Promise<unknown>((resolve, reject) => statement.execute(values, (err, result) => (err ? reject(err) : resolve(result))))
    }
    return {
      dialect: 'mysql',
      slots: slotsOf(trx),
      busy: busyOf(trx),
      pairProcedure: !databasesWithoutPairProcedure.has(configOf(trx)),
      noPairProcedure: () => databasesWithoutPairProcedure.add(configOf(trx)),
      all: async <T>(sql: string, params: unknown[]) => (await execute(sql, params)) as T[],
      run: async (sql, params) => ((await execute(sql, params)) as { affectedRows: number }).affectedRows,
    }
  }
  const db = connection as Database.Database
  let cache = sqliteStatements.get(db)
  if (!cache) sqliteStatements.set(db, (cache = new Map()))
  const statement = (sql: string) => {
    let s = cache.get(sql)
    if (!s) cache.set(sql, (s = db.prepare(sql)))
    return s
  }
  return {
    dialect: 'sqlite',
    slots: slotsOf(trx),
    busy: busyOf(trx),
    pairProcedure: false,
    noPairProcedure: () => {},
    all: async <T>(sql: string, params: unknown[]) => {
      stillOpen(trx)
      return statement(sql).all(...params.map(sqliteParam)) as T[]
    },
    run: async (sql, params) => {
      stillOpen(trx)
      return statement(sql).run(...params.map(sqliteParam)).changes
    },
  }
}
