import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../config'
import { createTestDatabase, type TestDatabase } from '../testing/databases'

/**
 * What a multi-primary engine (Galera, and MySQL-compatible distributed ones) needs from the schema and the code.
 * Galera replicates row changes by primary key: a table without one replicates slowly or not at all, and cannot
 * be certified; table locks, named locks and XA are node-local or refused under wsrep.
 */
describe.runIf(process.env.TEST_MYSQL_URL)('the migrated MariaDB schema for a multi-primary cluster', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await createTestDatabase('mysql')
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('gives every table a primary key', async () => {
    const [rows] = await t.db.raw(
      `SELECT t.table_name AS name FROM information_schema.tables t
         LEFT JOIN information_schema.table_constraints c
           ON c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY'
        WHERE t.table_schema = DATABASE() AND t.table_type = 'BASE TABLE' AND c.constraint_name IS NULL
        ORDER BY t.table_name`,
    )
    const [all] = await t.db.raw("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'")
    expect(Number(all[0].n)).toBeGreaterThan(20)
    expect((rows as { name: string }[]).map((r) => r.name)).toEqual([])
  })

  it('keeps every table in InnoDB, the only engine Galera replicates', async () => {
    const [rows] = await t.db.raw(
      "SELECT table_name AS name, engine FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND engine <> 'InnoDB'",
    )
    expect(rows).toEqual([])
  })
})

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : []
  })
}

/** Table locks, named locks and XA statements, as SQL text in any case. */
const NODE_LOCAL_LOCKING = /\bLOCK\s+TABLES?\b|\bGET_LOCK\s*\(|\bRELEASE_LOCK\s*\(|\bIS_FREE_LOCK\s*\(|\bXA\s+(START|BEGIN|END|PREPARE|COMMIT|ROLLBACK|RECOVER)\b/i

describe('server code for a multi-primary cluster', () => {
  it('takes no table locks, named locks or XA transactions, which do not hold across nodes', () => {
    const files = sourceFiles(path.join(REPO_ROOT, 'server', 'src'))
    expect(files.length).toBeGreaterThan(100)
    const found = files.flatMap((file) =>
      fs.readFileSync(file, 'utf8').split('\n').flatMap((line, i) => (NODE_LOCAL_LOCKING.test(line) ? [`${path.relative(REPO_ROOT, file)}:${i + 1}: ${line.trim()}`] : [])))
    expect(found).toEqual([])
  })

  it('finds what it looks for', () => {
    for (const statement of ['LOCK TABLES rewards WRITE', "SELECT GET_LOCK('outbox', 10)", "XA START 'x'", 'xa commit 1']) {
      expect(statement).toMatch(NODE_LOCAL_LOCKING)
    }
    expect('a lease locks nothing; lockForUpdate(trx, id)').not.toMatch(NODE_LOCAL_LOCKING)
  })
})
