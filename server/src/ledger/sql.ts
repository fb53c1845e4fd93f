import type Database from 'better-sqlite3'
import { dbClientOf, type Trx } from '../db/knex'

/**
 * The ledger's statements run on the transaction's own connection, with plain SQL and no query builder:
 * posting is the hottest write in the product, and the builder costs more CPU than the statements. The
 * transaction itself (BEGIN, COMMIT, retries) stays with knex.
 */
export interface LedgerSql {
  dialect: 'mysql' | 'sqlite'
  all<T>(sql: string, params: unknown[]): Promise<T[]>
  /** Runs a write; answers the number of rows it changed. */
  run(sql: string, params: unknown[]): Promise<number>
}

interface MysqlConnection {
  query(options: { sql: string; values: unknown[] }, cb: (err: Error | null, result: unknown) => void): void
}

const sqliteStatements = new WeakMap<Database.Database, Map<string, Database.Statement>>()

/** better-sqlite3 binds neither dates nor booleans; knex turns them into these, and so does this. */
function sqliteParam(value: unknown): unknown {
  if (value instanceof Date) return value.valueOf()
  if (typeof value === 'boolean') return value ? 1 : 0
  return value
}

export async function ledgerSql(trx: Trx): Promise<LedgerSql> {
  // Inside a knex transaction, acquireConnection answers the transaction's connection.
  const connection = await (trx.client as { acquireConnection(): Promise<unknown> }).acquireConnection()
  if (dbClientOf(trx) === 'mysql') {
    const conn = connection as MysqlConnection
    const query = (sql: string, values: unknown[]) =>
      new Promise<unknown>((resolve, reject) => conn.query({ sql, values }, (err, result) => (err ? reject(err) : resolve(result))))
    return {
      dialect: 'mysql',
      all: async <T>(sql: string, params: unknown[]) => (await query(sql, params)) as T[],
      run: async (sql, params) => ((await query(sql, params)) as { affectedRows: number }).affectedRows,
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
    all: async <T>(sql: string, params: unknown[]) => statement(sql).all(...params.map(sqliteParam)) as T[],
    run: async (sql, params) => statement(sql).run(...params.map(sqliteParam)).changes,
  }
}
