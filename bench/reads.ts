/**
 * Read endpoints against a bare baseline: the compiled server (`server/dist/main.js web` under plain node, as
 * production runs it) answering a resident's 积分 summary, 我的诉求, the catalogue and a case, and, on the same
 * MariaDB in the same run, bare Koa answering one primary-key SELECT (bench/reads-baseline.mjs). Each is its own
 * process; autocannon drives them from this one, product and baseline taking turns so background load falls on
 * both alike. Besides requests per second and latency it reads the server process's CPU per request from /proc.
 * Then a flash sale of one reward through the product (see flashSale). Writes bench/results/reads.json.
 *
 *   npm run bench:reads     (BENCH_SECONDS per turn, default 5; BENCH_CONNECTIONS, default 50; MySQL from
 *                            BENCH_MYSQL_URL or TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306/test)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { loadConfig } from '../server/src/config'
import { seedDemo } from '../server/src/db/seeds/demo'
import { reportBody } from '../server/src/testing/cases'
import type { Db } from '../server/src/db/knex'
import { createTestDatabase } from '../server/src/testing/databases'
import { factories } from '../server/src/testing/factories'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const ROUNDS = 2
const FLASH_RESIDENTS = Number(process.env.FLASH_RESIDENTS ?? 2000)
const FLASH_STOCK = Number(process.env.FLASH_STOCK ?? 100)
const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim())

interface Server { child: ChildProcess; port: number; stop(): Promise<void> }

/** Starts `args` under plain node and waits for its "listening" log line. */
async function start(args: string[], env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    let text = ''
    const onData = (chunk: Buffer) => {
      text += chunk.toString()
      const match = /"port":(\d+)[^\n]*listening|listening[^\n]*"port":(\d+)/.exec(text)
      if (!match) return
      child.stdout!.off('data', onData)
      resolve(Number(match[1] ?? match[2]))
    }
    child.stdout!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)))
  })
  // Request logs go nowhere, as a production log shipper's pipe would take them.
  child.stdout!.resume()
  return {
    child, port,
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    }),
  }
}

/** User plus system CPU a process has used, in ms. */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS
}

interface Turn { requests: number; per_s: number; p50_ms: number; p99_ms: number; cpu_ms_per_request: number; errors: number }

async function load(server: Server, urlPath: string, token?: string): Promise<Turn> {
  const cpuBefore = cpuMs(server.child.pid!)
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}${urlPath}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  })
  const cpu = cpuMs(server.child.pid!) - cpuBefore
  const ok = result['2xx']
  return {
    requests: ok,
    per_s: ok / SECONDS,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    cpu_ms_per_request: ok ? cpu / ok : 0,
    errors: result.errors + result.non2xx,
  }
}

function mean(turns: Turn[]): Turn {
  const avg = (pick: (t: Turn) => number) => turns.reduce((sum, t) => sum + pick(t), 0) / turns.length
  return {
    requests: avg((t) => t.requests), per_s: avg((t) => t.per_s), p50_ms: avg((t) => t.p50_ms), p99_ms: avg((t) => t.p99_ms),
    cpu_ms_per_request: avg((t) => t.cpu_ms_per_request), errors: turns.reduce((sum, t) => sum + t.errors, 0),
  }
}

/**
 * A flash sale: FLASH_RESIDENTS residents with points each redeem once, FLASH_CONNECTIONS at a time, a reward of
 * FLASH_STOCK. Answers its rate and latency, what was sold (it must be exactly the stock) and, for comparison,
 * the baseline's rate in a turn right after it.
 */
async function flashSale(product: Server, make: ReturnType<typeof factories>, db: Db, baseline: Server) {
  // The demo's monthly award budget (20,000 points a community) would stop the grants short of 2,000 residents.
  await db('award_settings').update({ monthly_budget: null })
  const residents = await make.residents(FLASH_RESIDENTS, { points: 10 })
  const rewardId = await make.reward({ cost: 10, stock: FLASH_STOCK, limit: 1 })
  const statuses: Record<string, number> = {}
  const latencies: number[] = []
  let next = 0
  const cpuBefore = cpuMs(product.child.pid!)
  const started = performance.now()
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (next < residents.length) {
      const resident = residents[next++]!
      const sent = performance.now()
      const res = await fetch(`http://127.0.0.1:${product.port}/api/rewards/${rewardId}/redeem`, {
        method: 'POST', headers: { authorization: `Bearer ${resident.token}`, 'idempotency-key': `flash-${randomUUID()}` },
      })
      await res.arrayBuffer()
      latencies.push(performance.now() - sent)
      statuses[res.status] = (statuses[res.status] ?? 0) + 1
    }
  }))
  const seconds = (performance.now() - started) / 1000
  const cpu = cpuMs(product.child.pid!) - cpuBefore
  const sold = Number((await db('redemptions').where({ reward_id: rewardId }).count({ n: '*' }).first())!.n)
  const stockLeft = Number((await db('rewards').where({ id: rewardId }).first('stock_remaining'))!.stock_remaining)
  latencies.sort((x, y) => x - y)
  const at = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]! * 10) / 10
  const base = await load(baseline, '/')
  const result = {
    residents: FLASH_RESIDENTS, stock: FLASH_STOCK, connections: CONNECTIONS, per_s: Math.round(residents.length / seconds),
    p50_ms: at(0.5), p99_ms: at(0.99), cpu_ms_per_request: Math.round((cpu / residents.length) * 100) / 100,
    statuses, sold, stock_left: stockLeft, baseline_per_s: Math.round(base.per_s),
    ratio: Math.round((residents.length / seconds / base.per_s) * 100) / 100,
  }
  console.log(
    `flash: ${result.residents} residents, stock ${result.stock}: ${result.per_s} req/s p50 ${result.p50_ms} ms p99 ${result.p99_ms} ms ` +
    `${result.cpu_ms_per_request} ms CPU/req, answers ${JSON.stringify(statuses)}, sold ${sold} (left ${stockLeft}) | ` +
    `baseline ${result.baseline_per_s} req/s | ratio ${result.ratio}`,
  )
  if (sold !== FLASH_STOCK || stockLeft !== 0) throw new Error(`flash sale sold ${sold} of ${FLASH_STOCK}`)
  return result
}

async function main() {
  execFileSync('npm', ['run', 'build:server'], { cwd: ROOT, stdio: 'inherit' })
  const database = await createTestDatabase('mysql', { mysqlUrl: MYSQL_URL })
  // What production insists on; WeChat points at a closed local port, so the content check falls back to the word
  // list at once.
  const secrets = {
    JWT_SECRET: `bench-${randomUUID()}-${randomUUID()}`, PATROL_TOKEN_SECRET: `bench-${randomUUID()}-${randomUUID()}`,
    UPLOAD_URL_SECRET: `bench-${randomUUID()}-${randomUUID()}`, LEDGER_CHAIN_KEY: `bench-${randomUUID()}-${randomUUID()}`, WECHAT_APPID: 'wx-bench', WECHAT_SECRET: 'bench',
    WECHAT_API_BASE: 'http://127.0.0.1:9', PUBLIC_BASE_URL: 'https://anju.example.cn',
  }
  const config = loadConfig({ NODE_ENV: 'production', ...secrets })
  config.database = database.config
  const servers: Server[] = []
  try {
    await seedDemo(database.db)
    const make = factories(database.db, config)
    const resident = await make.resident()
    await make.givePoints(resident.id, 500)
    const url = (database.config as { url: string }).url
    // BENCH_NODE_ARGS passes flags to the product's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []
    const product = await start([...nodeArgs, 'server/dist/main.js', 'web'], {
      NODE_ENV: 'production', DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', STATIC_DIR: '', CONSOLE_DIR: '', ...secrets,
    })
    servers.push(product)
    const baseline = await start(['bench/reads-baseline.mjs'], { DATABASE_URL: url, PORT: '0', BASELINE_USER_ID: String(resident.id) })
    servers.push(baseline)

    // The resident's reports, filed through the product.
    let caseId = 0
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`http://127.0.0.1:${product.port}/api/cases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${resident.token}`, 'idempotency-key': `bench-${randomUUID()}` },
        body: JSON.stringify(reportBody()),
      })
      if (res.status !== 201) throw new Error(`filing a report: ${res.status} ${await res.text()}`)
      caseId = ((await res.json()) as { case: { id: number } }).case.id
    }

    const endpoints = ['/api/points/summary', '/api/my/cases', '/api/rewards', `/api/cases/${caseId}`]
    // Warm both up (JIT, pools) before anything counts.
    await load(product, endpoints[0]!, resident.token)
    await load(baseline, '/')
    const rows = []
    for (const endpoint of endpoints) {
      const productTurns: Turn[] = []
      const baselineTurns: Turn[] = []
      for (let round = 0; round < ROUNDS; round++) {
        productTurns.push(await load(product, endpoint, resident.token))
        baselineTurns.push(await load(baseline, '/'))
      }
      const p = mean(productTurns)
      const b = mean(baselineTurns)
      const name = endpoint.replace(/\/\d+$/, '/:id')
      const row = { endpoint: `GET ${name}`, product: p, baseline: b, ratio: Math.round((p.per_s / b.per_s) * 100) / 100 }
      rows.push(row)
      console.log(
        `${row.endpoint.padEnd(26)} product ${p.per_s.toFixed(0).padStart(6)} req/s p50 ${p.p50_ms} ms p99 ${p.p99_ms} ms ` +
        `${p.cpu_ms_per_request.toFixed(2)} ms CPU/req | baseline ${b.per_s.toFixed(0).padStart(6)} req/s ` +
        `${b.cpu_ms_per_request.toFixed(2)} ms CPU/req | ratio ${row.ratio}${p.errors + b.errors ? ` | errors ${p.errors + b.errors}` : ''}`,
      )
    }
    const flash = await flashSale(product, make, database.db, baseline)
    const out = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version, load_avg: os.loadavg() },
      connections: CONNECTIONS, seconds_per_turn: SECONDS, rounds: ROUNDS,
      rows,
      flash,
    }
    fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true })
    fs.writeFileSync(path.join(ROOT, 'bench/results/reads.json'), `${JSON.stringify(out, null, 2)}\n`)
  } finally {
    for (const server of servers) await server.stop()
    await database.drop()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
