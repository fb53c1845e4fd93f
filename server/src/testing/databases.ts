import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import knexFactory from 'knex'
import type { DatabaseConfig } from '../config'
import { createDb, migrateLatest, type Db, type DbClient } from '../db/knex'

/** The databases every database test runs on: SQLite always, MySQL/MariaDB when TEST_MYSQL_URL is set. */
export function testDatabaseKinds(): DbClient[] {
  return process.env.TEST_MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite']
}

export interface TestDatabase {
  kind: DbClient
  config: DatabaseConfig
  db: Db
  drop(): Promise<void>
}

function mysqlUrlFor(base: string, database: string): string {
  const url = new URL(base)
  url.pathname = `/${database}`
  return url.toString()
}

/**
 * A new, migrated database of its own: a temporary SQLite file, or a fresh MySQL schema on TEST_MYSQL_URL's server
 * (or on `mysqlUrl`'s, for tests that run a server of their own).
 */
export async function createTestDatabase(kind: DbClient, { mysqlUrl }: { mysqlUrl?: string } = {}): Promise<TestDatabase> {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-test-'))
    const config: DatabaseConfig = { client: 'sqlite', filename: path.join(dir, 'anju.db') }
    const db = createDb(config)
    await migrateLatest(db)
    return {
      kind, config, db,
      async drop() {
        await db.destroy()
        fs.rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const base = mysqlUrl ?? process.env.TEST_MYSQL_URL
  if (!base) throw new Error('TEST_MYSQL_URL is not set')
  const name = `anju_t_${suffix}`
  const admin = knexFactory({ client: 'mysql2', connection: { uri: base } as never, pool: { min: 0, max: 1 } })
  await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
  const config: DatabaseConfig = { client: 'mysql', url: mysqlUrlFor(base, name) }
  const db = createDb(config)
  try {
    await migrateLatest(db)
  } catch (err) {
    await db.destroy()
    await admin.raw(`DROP DATABASE \`${name}\``)
    await admin.destroy()
    throw err
  }
  return {
    kind, config, db,
    async drop() {
      await db.destroy()
      await admin.raw(`DROP DATABASE IF EXISTS \`${name}\``)
      await admin.destroy()
    },
  }
}
