/**
 * Ledger throughput: postings per second through the ledger module, against a bare baseline doing one
 * transfer per transaction (journal row, two postings, guarded balance updates) on the same database in
 * the same run. Scenarios: "spread" (many issuers, many residents), "hot-issuer" (every award from one
 * region's issuing account), "hot-reward" (every redemption into one reward's sink). Writes
 * bench/results/ledger.json.
 *
 *   npm run bench:ledger      (BENCH_SECONDS per cell and implementation, default 8; MySQL from BENCH_MYSQL_URL or
 *                              TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306/test)
 *   BENCH_DB=mysql BENCH_SCENARIOS=spread BENCH_CONCURRENCY=16 npm run bench:ledger
 *                             (one cell, printed only; the results file is left as it was)
 *
 * Each line also shows the CPU this process and the MariaDB server spent per transfer, which is where the
 * ledger's extra cost goes when the machine, not a lock, is the limit.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import type { Db } from '../server/src/db/knex'
import { withTransaction } from '../server/src/db/transaction'
import { awardPoints, spendPoints, verifyLedger } from '../server/src/ledger'
import { regionsRepo } from '../server/src/repositories/regions'
import { usersRepo } from '../server/src/repositories/users'
import { createTestDatabase, type TestDatabase } from '../server/src/testing/databases'

type Scenario = 'spread' | 'hot-issuer' | 'hot-reward'
type DbKind = 'mysql' | 'sqlite'
interface Row { db: DbKind; impl: 'ledger' | 'baseline'; scenario: Scenario; concurrency: number; per_s: number; p50_ms: number; p99_ms: number }

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
/** BENCH_DB, BENCH_SCENARIOS and BENCH_CONCURRENCY (comma lists) narrow the run, e.g. to one cell while tuning. */
const listFromEnv = (name: string) => process.env[name]?.split(',').map((x) => x.trim()).filter(Boolean)
const CONCURRENCY = listFromEnv('BENCH_CONCURRENCY')?.map(Number) ?? [1, 16, 64]
const SCENARIOS = (listFromEnv('BENCH_SCENARIOS') ?? ['spread', 'hot-issuer', 'hot-reward']) as Scenario[]
const DATABASES = (listFromEnv('BENCH_DB') ?? ['sqlite', 'mysql']) as DbKind[]
const NARROWED = ['BENCH_DB', 'BENCH_SCENARIOS', 'BENCH_CONCURRENCY'].some((name) => process.env[name])
const RESIDENTS = 2000
const REGIONS = 32
const POSTINGS_PER_TRANSFER = 2
const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'

const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0

/** Runs `op` from `concurrency` callers for `seconds`; answers each call's latency. */
async function timeCalls(concurrency: number, op: () => Promise<void>, seconds: number) {
  const latencies: number[] = []
  const deadline = performance.now() + seconds * 1000
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      const started = performance.now()
      await op()
      latencies.push(performance.now() - started)
    }
  }))
  return latencies
}

/** Postings per second and latency percentiles from the latencies of `seconds` of calls. */
function summarise(latencies: number[], seconds: number) {
  const sorted = [...latencies].sort((a, b) => a - b)
  const round = (x: number) => Math.round(x * 100) / 100
  return { per_s: round((sorted.length * POSTINGS_PER_TRANSFER) / seconds), p50_ms: round(percentile(sorted, 0.5)), p99_ms: round(percentile(sorted, 0.99)) }
}

/** CPU spent by this process and, for MySQL, by the MariaDB server when it runs on this machine, summed over the turns it is resumed for. */
function cpuMeter(db: DbKind) {
  const serverTicks = () => {
    if (db !== 'mysql') return null
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'mariadbd') continue
        const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
        return Number(fields[11]) + Number(fields[12])
      } catch { /* gone or not ours */ }
    }
    return null
  }
  let nodeMicros = 0
  let serverTicksSpent: number | null = 0
  let started: { node: NodeJS.CpuUsage; server: number | null } | null = null
  return {
    resume() {
      started = { node: process.cpuUsage(), server: serverTicks() }
    },
    pause() {
      const used = process.cpuUsage(started!.node)
      nodeMicros += used.user + used.system
      const now = serverTicks()
      serverTicksSpent = serverTicksSpent === null || now === null || started!.server === null ? null : serverTicksSpent + now - started!.server
    },
    per(transfers: number) {
      const server = serverTicksSpent === null ? '-' : `${((serverTicksSpent * 10) / transfers).toFixed(3)} ms`
      return `cpu/transfer: node ${(nodeMicros / 1000 / transfers).toFixed(3)} ms, mariadbd ${server}`
    },
  }
}

// ---------- the ledger module ----------

/** What one implementation does per scenario, ready to run. */
interface Subject {
  ops: Record<Scenario, () => Promise<void>>
  close(): Promise<void>
}

async function ledgerSubject(t: TestDatabase): Promise<Subject> {
  const db: Db = t.db
  const city = await regionsRepo.insert(db, { parent: null, level: 'city', name: '基准市', code: `B${randomUUID().slice(0, 6)}` })
  const regions = [city.id]
  for (let i = 1; i < REGIONS; i++) regions.push((await regionsRepo.insert(db, { parent: city, level: 'district', name: `区${i}`, code: `B${randomUUID().slice(0, 8)}` })).id)
  const residents: number[] = []
  for (let i = 0; i < RESIDENTS; i++) residents.push(await usersRepo.insert(db, { openid: randomUUID(), displayName: 'r', role: 'resident' }))
  // Fund everyone, so redemptions never run short.
  for (const userId of residents) {
    await withTransaction(db, (trx) => awardPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), regionId: pick(regions), userId, points: 1_000_000, source: { type: 'manual', id: randomUUID() }, proposedBy: null, approvedBy: null }))
  }
  const ops: Record<Scenario, () => Promise<void>> = {
    spread: async () => {
      await withTransaction(db, (trx) => awardPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), regionId: pick(regions), userId: pick(residents), points: 1, source: { type: 'manual', id: randomUUID() }, proposedBy: null, approvedBy: null }))
    },
    'hot-issuer': async () => {
      await withTransaction(db, (trx) => awardPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), regionId: regions[0]!, userId: pick(residents), points: 1, source: { type: 'manual', id: randomUUID() }, proposedBy: null, approvedBy: null }))
    },
    'hot-reward': async () => {
      const id = randomUUID()
      await withTransaction(db, (trx) => spendPoints(trx, { at: new Date(), idempotencyKey: id, userId: pick(residents), regionId: regions[0]!, points: 1, redemptionId: id }))
    },
  }
  return {
    ops,
    async close() {
      const report = await verifyLedger(db)
      if (report.problems.length) throw new Error(`ledger broken after the benchmark: ${JSON.stringify(report.problems.slice(0, 5))}`)
      await t.drop()
    },
  }
}

// ---------- the bare baseline: one row per account, no chain, no idempotency, no slots ----------

const BASELINE_DDL = [
  'CREATE TABLE bl_accounts (id INTEGER PRIMARY KEY, balance BIGINT NOT NULL, guarded INTEGER NOT NULL)',
  'CREATE TABLE bl_journal (id CHAR(36) PRIMARY KEY, created_at BIGINT NOT NULL)',
  'CREATE TABLE bl_postings (journal_id CHAR(36) NOT NULL, account_id INTEGER NOT NULL, amount BIGINT NOT NULL, PRIMARY KEY (journal_id, account_id))',
]

/** Account ids: 1..REGIONS are issuers, then one sink, then residents. */
const ISSUERS = Array.from({ length: REGIONS }, (_, i) => i + 1)
const SINK = REGIONS + 1
const RESIDENT_IDS = Array.from({ length: RESIDENTS }, (_, i) => REGIONS + 2 + i)

function transferFor(scenario: Scenario): { from: number; to: number; guardFrom: boolean } {
  if (scenario === 'spread') return { from: pick(ISSUERS), to: pick(RESIDENT_IDS), guardFrom: false }
  if (scenario === 'hot-issuer') return { from: ISSUERS[0]!, to: pick(RESIDENT_IDS), guardFrom: false }
  return { from: pick(RESIDENT_IDS), to: SINK, guardFrom: true }
}

async function mysqlBaselineSubject(url: string): Promise<Subject> {
  const name = `anju_bl_${randomUUID().slice(0, 8)}`
  const admin = await mysql.createConnection(url)
  await admin.query(`CREATE DATABASE \`${name}\``)
  const target = new URL(url)
  target.pathname = `/${name}`
  const pool = mysql.createPool({ uri: target.toString(), connectionLimit: 20 })
  // The same session settings the service uses, set once per connection.
  pool.on('connection', (conn) => {
    conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED')
  })
  for (const ddl of BASELINE_DDL) await pool.query(`${ddl} ENGINE=InnoDB`)
  const accounts = [...ISSUERS.map((id) => [id, 0, 0]), [SINK, 0, 0], ...RESIDENT_IDS.map((id) => [id, 1_000_000, 1])]
  await pool.query('INSERT INTO bl_accounts (id, balance, guarded) VALUES ?', [accounts])
  const op = (scenario: Scenario) => async () => {
    const { from, to } = transferFor(scenario)
    for (let attempt = 1; ; attempt++) {
      const conn = await pool.getConnection()
      try {
        await conn.beginTransaction()
        const id = randomUUID()
        await conn.query('INSERT INTO bl_journal (id, created_at) VALUES (?, ?)', [id, Date.now()])
        await conn.query('INSERT INTO bl_postings (journal_id, account_id, amount) VALUES (?, ?, ?), (?, ?, ?)', [id, from, -1, id, to, 1])
        // Lock in id order, the guard refusing to take a guarded account below zero.
        for (const [account, amount] of [[from, -1], [to, 1]].sort((a, b) => a[0]! - b[0]!)) {
          const [res] = await conn.query('UPDATE bl_accounts SET balance = balance + ? WHERE id = ? AND (guarded = 0 OR balance + ? >= 0)', [amount, account, amount])
          if ((res as { affectedRows: number }).affectedRows !== 1) throw new Error('insufficient')
        }
        await conn.commit()
        return
      } catch (err) {
        await conn.rollback()
        if ((err as { errno?: number }).errno !== 1213 || attempt >= 5) throw err
      } finally {
        conn.release()
      }
    }
  }
  return {
    ops: { spread: op('spread'), 'hot-issuer': op('hot-issuer'), 'hot-reward': op('hot-reward') },
    async close() {
      await pool.end()
      await admin.query(`DROP DATABASE \`${name}\``)
      await admin.end()
    },
  }
}

async function sqliteBaselineSubject(): Promise<Subject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-bl-'))
  const db = new Database(path.join(dir, 'bl.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  for (const ddl of BASELINE_DDL) db.exec(ddl)
  const insertAccount = db.prepare('INSERT INTO bl_accounts (id, balance, guarded) VALUES (?, ?, ?)')
  db.transaction(() => {
    for (const id of ISSUERS) insertAccount.run(id, 0, 0)
    insertAccount.run(SINK, 0, 0)
    for (const id of RESIDENT_IDS) insertAccount.run(id, 1_000_000, 1)
  })()
  const journal = db.prepare('INSERT INTO bl_journal (id, created_at) VALUES (?, ?)')
  const posting = db.prepare('INSERT INTO bl_postings (journal_id, account_id, amount) VALUES (?, ?, ?), (?, ?, ?)')
  const update = db.prepare('UPDATE bl_accounts SET balance = balance + ? WHERE id = ? AND (guarded = 0 OR balance + ? >= 0)')
  const transfer = db.transaction((from: number, to: number) => {
    const id = randomUUID()
    journal.run(id, Date.now())
    posting.run(id, from, -1, id, to, 1)
    if (update.run(-1, from, -1).changes !== 1) throw new Error('insufficient')
    update.run(1, to, 1)
  })
  const op = (scenario: Scenario) => async () => {
  const { from, to } = transferFor(scenario)
  transfer.immediate(from, to)
  }
  return {
    ops: { spread: op('spread'), 'hot-issuer': op('hot-issuer'), 'hot-reward': op('hot-reward') },
    async close() {
      db.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function mysqlReachable(url: string): Promise<boolean> {
  try {
    const c = await mysql.createConnection(url)
    await c.end()
    return true
  } catch {
    return false
  }
}

/** Each cell runs the ledger and then the baseline back to back, so both see the same machine. */
/**
 * Each cell alternates the ledger and the baseline in ROUNDS short turns (the order flipping every round), so a
 * change in what else the machine is doing falls on both alike.
 */
const ROUNDS = 4

async function compare(db: DbKind, ledger: Subject, baseline: Subject, rows: Row[]) {
  // Warm both up first (JIT, connection pools, buffer pool), untimed.
  for (const subject of [ledger, baseline]) for (const scenario of SCENARIOS) await timeCalls(4, subject.ops[scenario], 0.5)
  const subjects = { ledger, baseline }
  for (const scenario of SCENARIOS) {
    for (const concurrency of CONCURRENCY) {
      const latencies = { ledger: [] as number[], baseline: [] as number[] }
      const meters = { ledger: cpuMeter(db), baseline: cpuMeter(db) }
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 ? (['baseline', 'ledger'] as const) : (['ledger', 'baseline'] as const)
        for (const impl of order) {
          meters[impl].resume()
          latencies[impl].push(...(await timeCalls(concurrency, subjects[impl].ops[scenario], SECONDS / ROUNDS)))
          meters[impl].pause()
        }
      }
      for (const impl of ['ledger', 'baseline'] as const) {
        rows.push({ db, impl, scenario, concurrency, ...summarise(latencies[impl], SECONDS) })
        console.log(JSON.stringify(rows.at(-1)), meters[impl].per(latencies[impl].length))
      }
    }
  }
  await ledger.close()
  await baseline.close()
}

async function main() {
  const rows: Row[] = []
  if (DATABASES.includes('sqlite')) await compare('sqlite', await ledgerSubject(await createTestDatabase('sqlite')), await sqliteBaselineSubject(), rows)
  if (!DATABASES.includes('mysql')) {
    // narrowed to SQLite
  } else if (await mysqlReachable(MYSQL_URL)) {
    process.env.TEST_MYSQL_URL = MYSQL_URL
    await compare('mysql', await ledgerSubject(await createTestDatabase('mysql')), await mysqlBaselineSubject(MYSQL_URL), rows)
  } else {
    console.warn(`MySQL not reachable at ${MYSQL_URL}: MySQL rows skipped`)
  }

  if (NARROWED) {
    console.log('\nnarrowed run: bench/results/ledger.json left as it was\n')
  } else {
    const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'ledger.json')
    fs.mkdirSync(path.dirname(out), { recursive: true })
    fs.writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`)
    console.log(`\nwritten ${out}\n`)
  }
  console.log('db      scenario    conc   ledger/s  baseline/s  ratio  ledger p50/p99 ms')
  for (const r of rows.filter((x) => x.impl === 'ledger')) {
    const b = rows.find((x) => x.impl === 'baseline' && x.db === r.db && x.scenario === r.scenario && x.concurrency === r.concurrency)
    const ratio = b ? (r.per_s / b.per_s).toFixed(2) : '-'
    console.log(`${r.db.padEnd(7)} ${r.scenario.padEnd(11)} ${String(r.concurrency).padStart(4)} ${String(r.per_s).padStart(10)} ${String(b?.per_s ?? '-').padStart(11)} ${ratio.padStart(6)}  ${r.p50_ms}/${r.p99_ms}`)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
