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

function generator(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

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

const STATUSES = ['closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'rejected', 'in_progress', 'dispatched', 'submitted', 'verified']

async function insertCases(db: Db, c: City, now: Date) {
  const rand = generator(7)
  const batch = dbClientOf(db) === 'mysql' ? 2000 : 500
  const codes = ['noise', 'sanitation', 'illegal_parking', 'fire_safety', 'public_security', 'property']
  let rows: Record<string, unknown>[] = []
  for (let i = 0; i < CASES; i++) {
    const g = Math.floor(rand() * c.grids.length)
    const grid = c.grids[g]!
    const createdAt = new Date(now.getTime() - rand() * DAYS * DAY)
    const status = STATUSES[Math.floor(rand() * STATUSES.length)]!
    const closed = status === 'closed'
    const closedAt = closed || status === 'rejected' ? new Date(Math.min(now.getTime(), createdAt.getTime() + rand() * 120 * HOUR)) : null
    const outcome = closed ? (rand() < 0.8 ? 'fixed' : rand() < 0.5 ? 'not_fixed' : 'no_action_needed') : null
    rows.push({
      number: `B${i}`, kind: 'complaint', category_code: codes[i % codes.length], colour: ['red', 'yellow', 'green'][i % 3], status,
      text: '基准案件', lat: 27.8, lng: 112.9, address: '基准地址', plate: null, photo_ids: '[]', anonymous: false, confidential: false,
      reporter_id: c.residents[i % c.residents.length], region_id: grid.id, region_path: grid.path, grid_id: grid.id, grid_path: grid.path,
      assignee_id: status === 'submitted' || status === 'rejected' ? null : c.workers[g], occurred_at: createdAt,
      response_due_at: new Date(createdAt.getTime() + 12 * HOUR), resolve_due_at: new Date(createdAt.getTime() + 72 * HOUR),
      response_overdue: rand() < 0.05, resolve_overdue: rand() < 0.15, outcome, rating_satisfied: closed && rand() < 0.6 ? rand() < 0.9 : null,
      reopen_count: 0, follower_count: 0, accepted_at: status === 'submitted' || status === 'rejected' ? null : new Date(createdAt.getTime() + rand() * 20 * HOUR),
      resolved_at: null, closed_at: closedAt, created_at: createdAt, updated_at: createdAt, version: 1,
    })
    if (rows.length === batch) {
      await db('cases').insert(rows)
      rows = []
    }
    if ((i + 1) % 100_000 === 0) console.log(`  ${i + 1} cases`)
  }
  if (rows.length) await db('cases').insert(rows)
}

async function insertLedgerAndPatrols(db: Db, c: City, now: Date) {
  const rand = generator(11)
  const accounts: number[] = []
  for (const community of new Set(c.grids.map((g) => g.parent_id!))) {
    for (const [kind, slots] of [['issuer', 16], ['redemption', 16]] as const) {
      for (let slot = 0; slot < slots; slot++) {
        const [id] = await db('ledger_accounts').insert({
          account_key: `${kind}:${community}`, slot, kind, user_id: null, region_id: community, balance: 0, head_seq: 0, head_hash: '0'.repeat(64), created_at: now,
        })
        accounts.push(Number(id))
      }
    }
  }
  const seq = new Map<number, number>()
  let rows: Record<string, unknown>[] = []
  for (let i = 0; i < POSTINGS; i++) {
    const account = accounts[Math.floor(rand() * accounts.length)]!
    const n = (seq.get(account) ?? 0) + 1
    seq.set(account, n)
    rows.push({ transaction_id: `t${String(i).padStart(35, '0')}`, account_id: account, amount: -10, account_seq: n, prev_hash: '0'.repeat(64), created_at: new Date(now.getTime() - rand() * DAYS * DAY) })
    if (rows.length === 400) {
      await db('ledger_postings').insert(rows)
      rows = []
    }
  }
  if (rows.length) await db('ledger_postings').insert(rows)
  rows = []
  for (let i = 0; i < PATROLS; i++) {
    const startedAt = new Date(now.getTime() - rand() * DAYS * DAY)
    rows.push({
      user_id: c.residents[i % c.residents.length], team_id: c.teams[i % c.teams.length], route_id: c.route, region_id: c.grids[0]!.parent_id,
      status: 'finished', start_lat: 27.8, start_lng: 112.9, started_at: startedAt, ended_at: startedAt, checkpoints_total: 5, checkpoints_done: 5,
      duration_s: 1800 + Math.floor(rand() * 3600), distance_m: 2000, valid: rand() < 0.9, created_at: startedAt, updated_at: startedAt,
    })
    if (rows.length === 400) {
      await db('patrols').insert(rows)
      rows = []
    }
  }
  if (rows.length) await db('patrols').insert(rows)
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function measure(t: TestDatabase) {
  const db = t.db
  const now = new Date()
  console.log(`${t.kind}: building the city`)
  const city = await buildCity(db)
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
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now()
      const res = await http.get(c.path, { token: c.token })
      times.push(performance.now() - t0)
      if (res.status !== 200) throw new Error(`${name}: ${res.status}`)
    }
    delay.disable()
    times.sort((a, b) => a - b)
    const row = {
      p50Ms: Math.round(percentile(times, 50) * 10) / 10, p95Ms: Math.round(percentile(times, 95) * 10) / 10,
      maxMs: Math.round(times.at(-1)! * 10) / 10, longestEventLoopStallMs: Math.round(delay.max / 1e6), goalMs: c.goalMs ?? null,
    }
    results[name] = row
    console.log(`  ${t.kind} ${name}: p50 ${row.p50Ms} ms, p95 ${row.p95Ms} ms, stall ${row.longestEventLoopStallMs} ms${c.goalMs ? ` (goal < ${c.goalMs} ms)` : ''}`)
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
