/**
 * Growth: the lists and summaries a resident, a grid worker and the console open, timed at two sizes of the same
 * city so the ratio shows what grows with the data. For each size (GROWTH_SIZES, default "10000,1000000": cases
 * and ledger postings each) a fresh MariaDB schema gets the demo city, then
 *
 * - the measured resident's points through the ledger module itself (size / 100 transactions: awards, with every
 *   tenth a redemption), so chain positions, balance and lifetime counter are the product's own;
 * - everything else by SQL bulk inserts (INSERT … SELECT over MariaDB's sequence tables): `size` postings on
 *   a thousand other residents' accounts, `size` cases over the city's grids in the last 90 days (one in a
 *   hundred filed by the measured resident, one in fifty assigned to the grid worker wherever it is), and the
 *   daily rollups rebuilt from them.
 *
 * Then the app (createApp, as `web` serves it) listens on a port per size, and each endpoint is called GROWTH_RUNS
 * times over HTTP, alternating between the sizes request by request; the p50s at the first and last size are
 * printed side by side with their ratio and written to bench/results/growth.json.
 *
 *   npm run bench:growth   (GROWTH_SIZES=10000,100000 for a quicker run; MySQL from BENCH_MYSQL_URL or
 *                           TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306/test)
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { createApp } from '../server/src/app'
import { loadConfig, type Config } from '../server/src/config'
import type { Db } from '../server/src/db/knex'
import { seedDemo } from '../server/src/db/seeds/demo'
import { withTransaction } from '../server/src/db/transaction'
import { awardPoints, spendPoints } from '../server/src/ledger'
import { addChinaDays, chinaDate } from '../server/src/lib/chinaTime'
import { rebuildCaseFigures } from '../server/src/rollups'
import { createTestDatabase } from '../server/src/testing/databases'
import { factories } from '../server/src/testing/factories'
import { createHttpClient } from '../server/src/testing/http'

const SIZES = (process.env.GROWTH_SIZES ?? '10000,1000000').split(',').map(Number)
const RUNS = Number(process.env.GROWTH_RUNS ?? 30)
const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'
const OTHER_RESIDENTS = 1000
const DAYS = 90
const CHUNK = 100_000

/** An instant `seconds` (an SQL expression) before `now`, as MariaDB stores datetimes. */
const before = (now: Date, seconds: string) => `TIMESTAMPADD(MICROSECOND, -(${seconds}) * 1000000, '${now.toISOString().replace('T', ' ').replace('Z', '')}')`

/** Runs `sql(n)` (n: the row number expression) over [0, total) a chunk at a time. */
async function inChunks(db: Db, total: number, sql: (n: string, where: string) => string) {
  for (let base = 0; base < total; base += CHUNK) {
    await db.raw(sql(`(CAST(s.seq AS SIGNED) + ${base})`, `s.seq + ${base} < ${total}`).replace(/\bFROM_SEQ\b/g, `seq_0_to_${CHUNK - 1} s`))
  }
}

async function build(db: Db, config: Config, size: number, now: Date) {
  await seedDemo(db)
  const make = factories(db, config)
  const resident = await make.resident()
  const xfl = await make.regionId('XT-YT-JSL-XFL')
  // Points lapse after a year in the demo city, so the summary previews what expires soon.
  await db('award_settings').update({ points_valid_months: 12 })

  // The measured resident's history, through the ledger.
  const history = Math.max(50, Math.round(size / 100))
  let balance = 0
  for (let i = 0; i < history; i++) {
    await withTransaction(db, (trx) => {
      if (i % 10 === 9 && balance >= 3) {
        balance -= 3
        return spendPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), userId: resident.id, regionId: xfl, points: 3, redemptionId: randomUUID() })
      }
      balance += 5
      return awardPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), regionId: xfl, userId: resident.id, points: 5, source: { type: 'manual', id: randomUUID() }, proposedBy: null, approvedBy: null })
    })
  }

  // Other residents, their accounts and their postings.
  const users = Array.from({ length: OTHER_RESIDENTS }, (_, i) => ({
    openid: `growth:${i}`, display_name: `居民${i}`, role: 'resident', region_id: xfl, token_version: 0, disabled: false, created_at: now, updated_at: now,
  }))
  for (let i = 0; i < users.length; i += 500) await db('users').insert(users.slice(i, i + 500))
  const others = (await db('users').where('openid', 'like', 'growth:%').orderBy('id').pluck('id')).map(Number)
  await db.raw(`
    INSERT INTO ledger_accounts (account_key, slot, kind, user_id, region_id, balance, earned, head_seq, head_hash, created_at)
    SELECT CONCAT('resident:', id), 0, 'resident', id, NULL, 0, 0, 0, '${'0'.repeat(64)}', NOW(3) FROM users WHERE openid LIKE 'growth:%'`)
  await db.schema.createTable('growth_accounts', (t) => {
    t.integer('n').primary()
    t.integer('id')
  })
  const accounts = (await db('ledger_accounts').where('account_key', 'like', 'resident:%').whereIn('user_id', others).orderBy('id').pluck('id')).map(Number)
  await db('growth_accounts').insert(accounts.map((id, n) => ({ n, id })))
  await inChunks(db, size, (n, where) => `
    INSERT INTO ledger_postings (transaction_id, account_id, amount, account_seq, prev_hash, created_at)
    SELECT CONCAT('g', ${n}), a.id, 5, FLOOR(${n} / ${accounts.length}) + 1, '${'0'.repeat(64)}', ${before(now, `(${n} * 7919) % ${DAYS * 86400}`)}
    FROM FROM_SEQ JOIN growth_accounts a ON a.n = ${n} % ${accounts.length} WHERE ${where}`)

  // Cases over the city's grids.
  const grids = await db('regions').where({ level: 'grid' }).orderBy('id').select('id', 'path')
  const worker = await db('users').where({ username: 'grid' }).first('id', 'region_id')
  await db.schema.createTable('growth_grids', (t) => {
    t.integer('n').primary()
    t.integer('id')
    t.string('path', 255)
  })
  await db('growth_grids').insert(grids.map((g: { id: number; path: string }, n: number) => ({ n, id: g.id, path: g.path })))
  await inChunks(db, size, (n, where) => {
    const h = `((${n} * 2654435761) % 1000003)`
    const age = `((${h} * 7 + ${n}) % ${DAYS * 86400})`
    const status = `CASE ${h} % 12 WHEN 7 THEN 'rejected' WHEN 8 THEN 'in_progress' WHEN 9 THEN 'dispatched' WHEN 10 THEN 'submitted' WHEN 11 THEN 'verified' ELSE 'closed' END`
    return `
      INSERT INTO cases (number, kind, category_code, colour, status, text, lat, lng, address, plate, photo_ids, anonymous, confidential,
        reporter_id, region_id, region_path, grid_id, grid_path, assignee_id, occurred_at, response_due_at, resolve_due_at,
        response_overdue, resolve_overdue, outcome, rating_satisfied, reopen_count, follower_count, accepted_at, resolved_at, closed_at,
        created_at, updated_at, version)
      SELECT CONCAT('G', ${n}), 'complaint',
        CASE ${h} % 3 WHEN 0 THEN 'noise' WHEN 1 THEN 'sanitation' ELSE 'illegal_parking' END,
        CASE ${n} % 3 WHEN 0 THEN 'red' WHEN 1 THEN 'yellow' ELSE 'green' END,
        ${status}, '增长基准案件', 27.8, 112.9, '基准地址', NULL, '[]', 0, 0,
        CASE WHEN ${n} % 100 = 0 THEN ${resident.id} ELSE ${others[0]} + ${n} % ${others.length} END,
        g.id, g.path, g.id, g.path,
        CASE WHEN g.id = ${worker.region_id} OR ${n} % 50 = 1 THEN ${worker.id} ELSE NULL END,
        ${before(now, age)}, ${before(now, `${age} - 43200`)}, ${before(now, `${age} - 259200`)},
        0, 0, CASE WHEN ${h} % 12 < 7 THEN 'fixed' ELSE NULL END, NULL, 0, 0,
        CASE WHEN ${h} % 12 IN (7, 10) THEN NULL ELSE ${before(now, `${age} - 3600`)} END, NULL,
        CASE WHEN ${h} % 12 < 7 THEN ${before(now, `${age} - 86400`)} ELSE NULL END,
        ${before(now, age)}, ${before(now, age)}, 1
      FROM FROM_SEQ JOIN growth_grids g ON g.n = ${n} % ${grids.length} WHERE ${where}`
  })
  for (const table of ['cases', 'ledger_postings', 'ledger_accounts', 'users']) await db.raw(`ANALYZE TABLE \`${table}\``)
  const today = chinaDate(now)
  await rebuildCaseFigures(db, addChinaDays(today, -DAYS), today)
  return { resident, history }
}

function p50(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b)
  return Math.round(sorted[Math.floor(sorted.length / 2)]! * 10) / 10
}

interface Setup {
  size: number
  history: number
  buildSeconds: number
  endpoints: Record<string, { path: string; token: string }>
  http: ReturnType<typeof createHttpClient>
  close(): Promise<void>
}

/** A city of `size` rows in a schema of its own, and the app listening on it. */
async function setUp(size: number): Promise<Setup> {
  const database = await createTestDatabase('mysql', { mysqlUrl: MYSQL_URL })
  const now = new Date()
  const started = performance.now()
  const config = loadConfig({ NODE_ENV: 'test', STATIC_DIR: '', CONSOLE_DIR: '', LOG_LEVEL: 'silent' })
  config.database = database.config
  const { resident, history } = await build(database.db, config, size, now)
  const buildSeconds = Math.round((performance.now() - started) / 100) / 10
  console.log(`${size}: built in ${buildSeconds} s (the resident's history: ${history} transactions)`)
  const app = createApp(config, { db: database.db, logger: pino({ level: 'silent' }) })
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const http = createHttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  const grid = await http.staffToken('grid')
  const admin = await http.staffToken('admin')
  const city = (await database.db('regions').where({ code: 'XT' }).first('id')).id
  const today = chinaDate(now)
  const seq = Number((await database.db('ledger_accounts').where({ account_key: `resident:${resident.id}` }).first('head_seq')).head_seq)
  return {
    size, history, buildSeconds, http,
    endpoints: {
      'points history, first page': { path: '/api/points/entries?limit=20', token: resident.token },
      'points history, middle page': { path: `/api/points/entries?limit=20&cursor=${Math.floor(seq / 2)}`, token: resident.token },
      'points summary': { path: '/api/points/summary', token: resident.token },
      'my cases': { path: '/api/my/cases?limit=20', token: resident.token },
      'grid-worker inbox': { path: '/api/staff/cases?limit=20', token: grid },
      'console overview, city, month': { path: `/api/console/overview?regionId=${city}&from=${addChinaDays(today, -29)}&to=${today}`, token: admin },
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await database.drop()
    },
  }
}

async function main() {
  const setups: Setup[] = []
  try {
    for (const size of SIZES) setups.push(await setUp(size))
    // Each endpoint at every size in turn, request by request, so background load falls on all sizes alike.
    const times = setups.map(() => ({}) as Record<string, number[]>)
    for (const name of Object.keys(setups[0]!.endpoints)) {
      for (const [k, setup] of setups.entries()) {
        const e = setup.endpoints[name]!
        const first = await setup.http.get(e.path, { token: e.token })
        if (first.status !== 200) throw new Error(`${setup.size} ${name}: ${first.status} ${JSON.stringify(first.body).slice(0, 200)}`)
        times[k]![name] = []
      }
      for (let i = 0; i < RUNS; i++) {
        for (const [k, setup] of setups.entries()) {
          const e = setup.endpoints[name]!
          const started = performance.now()
          const res = await setup.http.get(e.path, { token: e.token })
          times[k]![name]!.push(performance.now() - started)
          if (res.status !== 200) throw new Error(`${setup.size} ${name}: ${res.status}`)
        }
      }
    }
    const [small, large] = [0, setups.length - 1]
    const rows = Object.keys(setups[0]!.endpoints).map((name) => {
      const a = p50(times[small]![name]!)
      const b = p50(times[large]![name]!)
      return { endpoint: name, smallP50Ms: a, largeP50Ms: b, ratio: Math.round((b / a) * 100) / 100 }
    })
    const [s, l] = [setups[small]!.size, setups[large]!.size]
    console.log(`\n${'endpoint'.padEnd(32)} ${`p50 at ${s}`.padStart(16)} ${`p50 at ${l}`.padStart(16)}  ratio`)
    for (const r of rows) console.log(`${r.endpoint.padEnd(32)} ${`${r.smallP50Ms} ms`.padStart(16)} ${`${r.largeP50Ms} ms`.padStart(16)}  ${r.ratio}`)
    const out = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
      runsPerEndpoint: RUNS,
      sizes: setups.map((x) => ({ rows: x.size, residentTransactions: x.history, buildSeconds: x.buildSeconds })),
      rows,
    }
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'growth.json')
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`)
    console.log(`wrote ${file}`)
  } finally {
    for (const setup of setups) await setup.close()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
