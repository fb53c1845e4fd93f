import fs from 'node:fs'
import path from 'node:path'
import knexFactory, { type Knex } from 'knex'
import type { DatabaseConfig } from '../config'
import { migrationSource } from './migrations'

export type Db = Knex
export type Trx = Knex.Transaction
/** Either the root connection or a transaction: repositories accept both. */
export type Queryable = Knex | Knex.Transaction

export type DbClient = DatabaseConfig['client']

const SQLITE_BUSY_TIMEOUT_MS = 5000

export function createDb(config: DatabaseConfig): Db {
  if (config.client === 'sqlite') {
    if (config.filename !== ':memory:') fs.mkdirSync(path.dirname(config.filename), { recursive: true })
    // The pool's one connection, so a COMMIT that fails can be rolled back before the pool hands it on.
    let connection: { inTransaction: boolean; exec(sql: string): void } | undefined
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: config.filename },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: any, done: (err: Error | null, conn: unknown) => void) {
          try {
            conn.pragma('journal_mode = WAL')
            conn.pragma('foreign_keys = ON')
            conn.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`)
            conn.pragma('synchronous = NORMAL')
            connection = conn
            done(null, conn)
          } catch (err) {
            done(err as Error, conn)
          }
        },
      },
    })
    // SQLite keeps a transaction open when its COMMIT fails (a busy database, a deferred constraint), and knex
    // returns the connection to the pool as it is: every later BEGIN would then fail. knex reports the failed
    // COMMIT here while the transaction still holds the connection, so rolling back now cannot touch another's.
    db.on('query-error', (_err: unknown, query: { sql?: string }) => {
      if (/^COMMIT\b/i.test(query.sql ?? '') && connection?.inTransaction) connection.exec('ROLLBACK')
    })
    return db
  }
  return knexFactory({
    client: 'mysql2',
    connection: {
      uri: config.url,
      charset: 'utf8mb4',
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: false,
    } as Knex.MySql2ConnectionConfig,
    pool: {
      min: 0,
      max: 20,
      afterCreate(conn: any, done: (err: Error | null, conn: unknown) => void) {
        conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (err: Error | null) => {
          if (err) return done(err, conn)
          conn.query(
            "SET time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_unicode_ci",
            (err2: Error | null) => done(err2, conn),
          )
        })
      },
    },
  })
}

export function dbClientOf(db: Queryable): DbClient {
  const name = (db.client as { config: { client: string } }).config.client
  return name === 'mysql2' ? 'mysql' : 'sqlite'
}

/**
 * Brings the schema up to date. Processes starting together take turns through knex's migration lock; on a
 * multi-primary cluster two nodes may both take it, and the later commit fails with 1213, so a process that
 * finds the lock taken or loses that conflict waits and tries again (by then there is usually nothing to run).
 */
export async function migrateLatest(db: Db): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.migrate.latest({ migrationSource })
      return
    } catch (err) {
      const e = err as { errno?: number; name?: string }
      const contended = e.errno === 1213 || e.name === 'MigrationLocked'
      if (!contended || attempt >= MIGRATE_ATTEMPTS) throw err
      await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 250 * attempt))
    }
  }
}

/** Tries at migrating while other processes hold the lock or win a conflict: about half a minute in all. */
const MIGRATE_ATTEMPTS = 20

export async function migrateRollbackAll(db: Db): Promise<void> {
  await db.migrate.rollback({ migrationSource }, true)
}
