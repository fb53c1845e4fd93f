/**
 * Governance console benchmark: a city of 200 grids (5 districts, 25 streets, 100 communities) with a year of
 * cases (1,000,000 by default), 300,000 ledger postings and 100,000 patrols, bulk-inserted; the daily rollups
 * rebuilt from the cases (what a deployment's backfill costs); then the console's reads over HTTP against the
 * real app: the city's overview for a month, a quarter and the year, the heat map for a month, the case metrics
 * endpoint, a street's overview and the 红黄绿 board. Each is timed over repeated calls, with the longest event
 * loop stall seen meanwhile. SQLite always, MariaDB when BENCH_MYSQL_URL or TEST_MYSQL_URL is set.
 * Writes bench/results/console.json.
 *
 *   npm run bench:console            (BENCH_CASES=100000 for a quicker run, BENCH_DB=mysql for one database)
 */
import fs from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { createApp } from '../server/src/app'
import { hashPassword } from '../server/src/auth/passwords'
import { loadConfig } from '../server/src/config'
import { dbClientOf, type Db } from '../server/src/db/knex'
import { seedCategories } from '../server/src/db/seeds/gridLoop'
import { gridAreaRow } from '../server/src/db/seeds/gridLoop'
import { addChinaDays, chinaDate } from '../server/src/lib/chinaTime'
import { regionsRepo, type RegionRow } from '../server/src/repositories/regions'
import { usersRepo } from '../server/src/repositories/users'
import { rebuildCaseFigures } from '../server/src/rollups'
import { createTestDatabase, type TestDatabase } from '../server/src/testing/databases'
import { createHttpClient } from '../server/src/testing/http'

const CASES = Number(process.env.BENCH_CASES ?? 1_000_000)
const POSTINGS = Number(process.env.BENCH_POSTINGS ?? 300_000)
const PATROLS = Number(process.env.BENCH_PATROLS ?? 100_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const HOUR = 3_600_000
const DAY = 24 * HOUR
const DAYS = 365


interface City { city: RegionRow; streets: RegionRow[]; grids: RegionRow[]; workers: number[]; residents: number[]; teams: number[]; route: number }

async function buildCity(db: Db): Promise<City> {
  await seedCategories(db)
  const city = await regionsRepo.insert(db, { parent: null, level: 'city', name: '基准市', code: 'B' })
  const streets: RegionRow[] = []
  const grids: RegionRow[] = []
  const communities: RegionRow[] = []
  for (let d = 0; d < 5; d++) {
    const district = await regionsRepo.insert(db, { parent: city, level: 'district', name: `区${d}`, code: `B${d}` })
    for (let s = 0; s < 5; s++) {
      const street = await regionsRepo.insert(db, { parent: district, level: 'street', name: `街道${d}${s}`, code: `B${d}${s}` })
      streets.push(street)
      for (let c = 0; c < 4; c++) {
        const community = await regionsRepo.insert(db, { parent: street, level: 'community', name: `社区${d}${s}${c}`, code: `B${d}${s}${c}` })
        communities.push(community)
        for (let g = 0; g < 2; g++) {
          const grid = await regionsRepo.insert(db, { parent: community, level: 'grid', name: `网格${d}${s}${c}${g}`, code: `B${d}${s}${c}${g}` })
          grids.push(grid)
          const lat = 27.8 + grids.length * 0.002
          await db('grid_areas').insert(gridAreaRow(grid.id, [[lat, 112.9], [lat, 112.91], [lat + 0.002, 112.91], [lat + 0.002, 112.9]]))
        }
      }
    }
  }
  const passwordHash = await hashPassword('bench-password')
  await usersRepo.insert(db, { username: 'bench-admin', passwordHash, displayName: '基准管理员', role: 'admin', regionId: city.id })
  await usersRepo.insert(db, { username: 'bench-centre', passwordHash, displayName: '基准街道', role: 'centre', regionId: streets[0]!.id })
  const workers: number[] = []
  for (const g of grids) workers.push(await usersRepo.insert(db, { username: `w${g.id}`, displayName: `网格员${g.id}`, role: 'grid_worker', regionId: g.id }))
  const residents: number[] = []
  const users = Array.from({ length: 2000 }, (_, i) => ({
    openid: `bench:${i}`, display_name: `居民${i}`, role: 'resident', region_id: communities[i % communities.length]!.id, token_version: 0,
    disabled: false, created_at: new Date(), updated_at: new Date(),
  }))
  for (let i = 0; i < users.length; i += 500) await db('users').insert(users.slice(i, i + 500))
  for (const r of await db('users').where('openid', 'like', 'bench:%').select('id')) residents.push(Number(r.id))
  const teams: number[] = []
  for (const c of communities) {
    const [id] = await db('patrol_teams').insert({ region_id: c.id, name: `巡逻队${c.id}`, created_at: new Date() })
    teams.push(Number(id))
  }
  const [route] = await db('patrol_routes').insert({ team_id: teams[0], name: '路线', created_at: new Date() })
  return { city, streets, grids, workers, residents, teams, route: Number(route) }
}

/**
 * Rows are generated inside the database (INSERT … SELECT over a numbers table), a hundred thousand per
 * statement: client-side batches of a million rows would measure the driver, not the console. Values are spread
 * by integer hashing of the row number; times are "seconds before now".
 */
const CHUNK = 100_000

function dialect(db: Db, now: Date) {
  const mysql = dbClientOf(db) === 'mysql'
  const iso = now.toISOString().replace('T', ' ').replace('Z', '')
  return {
    /** An instant `seconds` (an SQL expression) before now, as each database stores datetimes. */
    before: (seconds: string) => (mysql ? `TIMESTAMPADD(MICROSECOND, -(${seconds}) * 1000000, '${iso}')` : `(${now.getTime()} - (${seconds}) * 1000)`),
    concat: (a: string, b: string) => (mysql ? `CONCAT(${a}, ${b})` : `(${a} || ${b})`),
  }
}

async function numbersTable(db: Db) {
  await db.schema.createTable('bench_seq', (t) => t.integer('i').primary())
  for (let i = 0; i < CHUNK; i += 400) await db('bench_seq').insert(Array.from({ length: 400 }, (_, k) => ({ i: i + k })))
}

async function insertCases(db: Db, c: City, now: Date) {
  const d = dialect(db, now)
  await db.schema.createTable('bench_grids', (t) => {
    t.integer('n').primary()
    t.integer('id')
    t.string('path', 255)
    t.integer('worker')
  })
  for (let i = 0; i < c.grids.length; i += 100) await db('bench_grids').insert(c.grids.slice(i, i + 100).map((g, k) => ({ n: i + k, id: g.id, path: g.path, worker: c.workers[i + k] })))
  const reporter = c.residents[0]!
  for (let chunk = 0; chunk * CHUNK < CASES; chunk++) {
    const base = chunk * CHUNK
    const n = `(s.i + ${base})`
    const h = `((${n} * 2654435761) % 1000003)`
    const status = `CASE ${h} % 12 WHEN 7 THEN 'rejected' WHEN 8 THEN 'in_progress' WHEN 9 THEN 'dispatched' WHEN 10 THEN 'submitted' WHEN 11 THEN 'verified' ELSE 'closed' END`
    const age = `((${h} * 7 + ${n}) % ${DAYS * 86400})`
    const closed = `${h} % 12 < 7`
    const finished = `(${h} % 12 < 8)`
    await db.raw(`
      INSERT INTO cases (number, kind, category_code, colour, status, text, lat, lng, address, plate, photo_ids, anonymous, confidential,
        reporter_id, region_id, region_path, grid_id, grid_path, assignee_id, occurred_at, response_due_at, resolve_due_at,
        response_overdue, resolve_overdue, outcome, rating_satisfied, reopen_count, follower_count, accepted_at, resolved_at, closed_at,
        created_at, updated_at, version)
      SELECT ${d.concat("'B'", n)}, 'complaint',
        CASE ${h} % 6 WHEN 0 THEN 'noise' WHEN 1 THEN 'sanitation' WHEN 2 THEN 'illegal_parking' WHEN 3 THEN 'fire_safety' WHEN 4 THEN 'public_security' ELSE 'property' END,
        CASE ${n} % 3 WHEN 0 THEN 'red' WHEN 1 THEN 'yellow' ELSE 'green' END,
        ${status}, '基准案件', 27.8, 112.9, '基准地址', NULL, '[]', 0, 0,
        ${reporter}, g.id, g.path, g.id, g.path,
        CASE WHEN ${h} % 12 IN (7, 10) THEN NULL ELSE g.worker END,
        ${d.before(age)}, ${d.before(`${age} - 43200`)}, ${d.before(`${age} - 259200`)},
        CASE WHEN ${h} % 20 = 0 THEN 1 ELSE 0 END, CASE WHEN ${h} % 7 = 0 THEN 1 ELSE 0 END,
        CASE WHEN ${closed} THEN (CASE WHEN ${h} % 10 < 8 THEN 'fixed' WHEN ${h} % 10 = 8 THEN 'not_fixed' ELSE 'no_action_needed' END) ELSE NULL END,
        CASE WHEN ${closed} AND ${h} % 5 < 3 THEN (CASE WHEN ${h} % 10 = 3 THEN 0 ELSE 1 END) ELSE NULL END,
        0, 0,
        CASE WHEN ${h} % 12 IN (7, 10) THEN NULL ELSE ${d.before(`${age} - ${h} % 72000`)} END, NULL,
        CASE WHEN ${finished} THEN ${d.before(`CASE WHEN ${age} > ${h} % 432000 THEN ${age} - ${h} % 432000 ELSE 0 END`)} ELSE NULL END,
        ${d.before(age)}, ${d.before(age)}, 1
      FROM bench_seq s JOIN bench_grids g ON g.n = ${n} % ${c.grids.length}
      WHERE ${n} < ${CASES}`)
    console.log(`  ${Math.min(CASES, base + CHUNK)} cases`)
  }
}

async function insertLedgerAndPatrols(db: Db, c: City, now: Date) {
  const d = dialect(db, now)
  const communities = [...new Set(c.grids.map((g) => g.parent_id!))]
  const accounts: Record<string, unknown>[] = []
  for (const community of communities) {
    for (const [kind, slots] of [['issuer', 16], ['redemption', 16]] as const) {
      for (let slot = 0; slot < slots; slot++) {
        accounts.push({ account_key: `${kind}:${community}`, slot, kind, user_id: null, region_id: community, balance: 0, head_seq: 0, head_hash: '0'.repeat(64), created_at: now })
      }
    }
  }
  for (let i = 0; i < accounts.length; i += 200) await db('ledger_accounts').insert(accounts.slice(i, i + 200))
  const ids = (await db('ledger_accounts').orderBy('id').select('id')).map((r: { id: unknown }) => Number(r.id))
  await db.schema.createTable('bench_accounts', (t) => {
    t.integer('n').primary()
    t.integer('id')
  })
  for (let i = 0; i < ids.length; i += 400) await db('bench_accounts').insert(ids.slice(i, i + 400).map((id, k) => ({ n: i + k, id })))
  for (let chunk = 0; chunk * CHUNK < POSTINGS; chunk++) {
    const n = `(s.i + ${chunk * CHUNK})`
    await db.raw(`
      INSERT INTO ledger_postings (transaction_id, account_id, amount, account_seq, prev_hash, created_at)
      SELECT ${d.concat("'t'", n)}, a.id, -10, ${n}, '${'0'.repeat(64)}', ${d.before(`((${n} * 2654435761) % 1000003 * 31) % ${DAYS * 86400}`)}
      FROM bench_seq s JOIN bench_accounts a ON a.n = ${n} % ${ids.length}
      WHERE ${n} < ${POSTINGS}`)
  }
  await db.schema.createTable('bench_teams', (t) => {
    t.integer('n').primary()
    t.integer('id')
    t.integer('region_id')
  })
  await db('bench_teams').insert(c.teams.map((id, n) => ({ n, id, region_id: communities[n]! })))
  for (let chunk = 0; chunk * CHUNK < PATROLS; chunk++) {
    const n = `(s.i + ${chunk * CHUNK})`
    const age = `((${n} * 2654435761) % 1000003 * 13) % ${DAYS * 86400}`
    await db.raw(`
      INSERT INTO patrols (user_id, team_id, route_id, region_id, status, start_lat, start_lng, started_at, ended_at, auto_closed,
        checkpoints_total, checkpoints_done, duration_s, distance_m, valid, rewarded, created_at, updated_at)
      SELECT ${c.residents[0]}, t.id, ${c.route}, t.region_id, 'finished', 27.8, 112.9, ${d.before(age)}, ${d.before(age)}, 0,
        5, 5, 1800 + ${n} % 3600, 2000, CASE WHEN ${n} % 10 = 0 THEN 0 ELSE 1 END, 0, ${d.before(age)}, ${d.before(age)}
      FROM bench_seq s JOIN bench_teams t ON t.n = ${n} % ${c.teams.length}
      WHERE ${n} < ${PATROLS}`)
  }
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function measure(t: TestDatabase) {
  const db = t.db
  const now = new Date()
  console.log(`${t.kind}: building the city`)
  const city = await buildCity(db)
  await numbersTable(db)
  let started = Date.now()
  await insertCases(db, city, now)
  const insertSeconds = (Date.now() - started) / 1000
  await insertLedgerAndPatrols(db, city, now)
  if (t.kind === 'mysql') for (const table of ['cases', 'ledger_postings', 'patrols']) await db.raw(`analyze table \`${table}\``)
  console.log(`${t.kind}: rebuilding the daily rollups from ${CASES} cases`)
  started = Date.now()
  const today = chinaDate(now)
  await rebuildCaseFigures(db, addChinaDays(today, -DAYS), today)
  const rebuildSeconds = (Date.now() - started) / 1000
  const rollupRows = Number((await db('case_daily_rollups').count({ n: '*' }).first())!.n)

  const config = loadConfig({ NODE_ENV: 'test', STATIC_DIR: '', CONSOLE_DIR: '', LOG_LEVEL: 'silent' })
  config.database = t.config
  const app = createApp(config, { db, logger: pino({ level: 'silent' }) })
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const http = createHttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  const admin = await http.staffToken('bench-admin', 'bench-password')
  const centre = await http.staffToken('bench-centre', 'bench-password')
  const month = `from=${addChinaDays(today, -29)}&to=${today}`
  const quarter = `from=${addChinaDays(today, -89)}&to=${today}`
  const year = `from=${addChinaDays(today, -(DAYS - 1))}&to=${today}`
  const cases: Record<string, { path: string; token: string; goalMs?: number }> = {
    'overview, city, month': { path: `/api/console/overview?regionId=${city.city.id}&${month}`, token: admin, goalMs: 500 },
    'overview, city, quarter': { path: `/api/console/overview?regionId=${city.city.id}&${quarter}`, token: admin, goalMs: 500 },
    'overview, city, year': { path: `/api/console/overview?regionId=${city.city.id}&${year}`, token: admin, goalMs: 500 },
    'heat map, city, month': { path: `/api/console/heatmap?regionId=${city.city.id}&${month}`, token: admin, goalMs: 300 },
    'case metrics, city, month, by grid': { path: `/api/staff/metrics?${month}&groupBy=grid`, token: admin },
    'overview, street, month': { path: `/api/console/overview?regionId=${city.streets[0]!.id}&${month}`, token: centre },
    'board, street': { path: `/api/console/board?regionId=${city.streets[0]!.id}`, token: centre },
    'cases behind a figure, street, month': { path: `/api/console/cases?regionId=${city.streets[0]!.id}&${month}&figure=not_fixed`, token: centre },
  }
  const results: Record<string, unknown> = {}
  if (process.env.BENCH_PROFILE) {
    // Prints every statement slower than 10 ms, to see where a request spends its time.
    const started = new Map<string, number>()
    db.on('query', (q: { __knexQueryUid: string }) => started.set(q.__knexQueryUid, performance.now()))
    db.on('query-response', (_r: unknown, q: { __knexQueryUid: string; sql: string }) => {
      const ms = performance.now() - (started.get(q.__knexQueryUid) ?? performance.now())
      if (ms > 10) console.log(`    ${ms.toFixed(0)} ms  ${q.sql.slice(0, 160)}`)
    })
  }
  for (const [name, c] of Object.entries(cases)) {
    const first = await http.get(c.path, { token: c.token })
    if (first.status !== 200) throw new Error(`${name}: ${first.status} ${JSON.stringify(first.body).slice(0, 200)}`)
    const delay = monitorEventLoopDelay({ resolution: 5 })
    delay.enable()
    const times: number[] = []
    const cpu = process.cpuUsage()
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now()
      const res = await http.get(c.path, { token: c.token })
      times.push(performance.now() - t0)
      if (res.status !== 200) throw new Error(`${name}: ${res.status}`)
    }
    delay.disable()
    const used = process.cpuUsage(cpu)
    times.sort((a, b) => a - b)
    const row = {
      // This process's CPU per request: the server, and on SQLite the database too. Unlike wall time it does not
      // grow when other work shares the machine; on an idle machine a request takes about this long.
      cpuMsPerRequest: Math.round(((used.user + used.system) / 1000 / RUNS) * 10) / 10,
      p50Ms: Math.round(percentile(times, 50) * 10) / 10, p95Ms: Math.round(percentile(times, 95) * 10) / 10,
      maxMs: Math.round(times.at(-1)! * 10) / 10, longestEventLoopStallMs: Math.round(delay.max / 1e6), goalMs: c.goalMs ?? null,
    }
    results[name] = row
    console.log(`  ${t.kind} ${name}: p50 ${row.p50Ms} ms, p95 ${row.p95Ms} ms, cpu ${row.cpuMsPerRequest} ms/request, stall ${row.longestEventLoopStallMs} ms${c.goalMs ? ` (goal < ${c.goalMs} ms)` : ''}`)
  }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return { database: t.kind, loadAverageDuringRequests: os.loadavg().map((l) => Math.round(l * 10) / 10), cases: CASES, grids: city.grids.length, ledgerPostings: POSTINGS, patrols: PATROLS, insertCasesSeconds: insertSeconds, rebuildRollupsSeconds: rebuildSeconds, rollupRows, requests: results }
}

async function main() {
  const kinds = (process.env.BENCH_DB ? [process.env.BENCH_DB] : ['sqlite', ...(process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL ? ['mysql'] : [])]) as ('sqlite' | 'mysql')[]
  if (process.env.BENCH_MYSQL_URL) process.env.TEST_MYSQL_URL = process.env.BENCH_MYSQL_URL
  const out = []
  for (const kind of kinds) {
    const t = await createTestDatabase(kind)
    try {
      out.push(await measure(t))
    } finally {
      await t.drop()
    }
  }
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'console.json')
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version }
  fs.writeFileSync(file, `${JSON.stringify({ measuredAt: new Date().toISOString(), machine, runsPerRequest: RUNS, databases: out }, null, 2)}\n`)
  console.log(`wrote ${file}`)
}

main().catch((err) => {
  console.error(String(err?.message ?? err).slice(0, 2000))
  process.exit(1)
})
