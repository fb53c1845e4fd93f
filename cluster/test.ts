/**
 * The cluster's correctness run (`npm run cluster:test`, minutes, so not part of `npm test`): brings the topology of
 * cluster/topology.ts up afresh and, through nginx with the requests spread over the three API nodes,
 *
 *   1. report intake: residents file reports at once, each sent twice with one Idempotency-Key, and one resident
 *      bursts past the hourly limit (the limit is shared by the three API nodes); then wrong passwords for one
 *      staff account from all three API nodes at once meet the shared login throttle;
 *   2. a flash redemption: FLASH_RESIDENTS residents (default 2000), each with points for one, race for a reward
 *      of stock 100; some send their request twice with one key;
 *   3. the single-node concurrency suites, each race sent straight to different API nodes (cluster/races.ts):
 *      double spend, racing approvals, racing pickups (and cancels), points expiry racing redemptions;
 *   4. reports forwarded to a slow grid platform with one of the two workers killed mid-delivery: its leased
 *      streams are delivered by the other once the leases run out, and the platform acts on each message once;
 *   5. the flash again with one database node killed (SIGKILL) a third of the way in: the API node behind it
 *      answers 503, nginx rests it, clients retry with the same key; the worker on that node stays up; then the
 *      node is started again and rejoins;
 *
 * and after each checks: exactly the stock sold, no points spent twice or lost, one outcome per Idempotency-Key,
 * `ledger:verify` clean on every live node, and the nodes agreeing on every balance and stock figure. Prints a
 * summary and writes it to bench/results/cluster.json. Exits 1 on the first failed check; `--keep` leaves the
 * cluster running afterwards.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig, REPO_ROOT } from '../server/src/config'
import { createDb, type Db } from '../server/src/db/knex'
import { verifyLedger } from '../server/src/ledger'
import { reportBody } from '../server/src/testing/cases'
import { factories } from '../server/src/testing/factories'
import { spawnAnju } from '../server/src/testing/process'
import { startFakeGridPlatform } from '../server/src/testing/fakeGridPlatform'
import { log, percentile, pooled, post, retriesOf, spread, staffToken, type Answer } from './client'
import { doubleSpend, expiryRacingRedemptions, racingApprovals, racingPickups, type RaceContext } from './races'
import { CHECKPOINT_FILE, DB_NODES, dbUrl, down, killProcess, PROXY_URL, restartDbNode, running, up, WEB_PORTS, WSREP_SYNC_WAIT, wsrepStatus, type DbNode } from './topology'

const FLASH_RESIDENTS = Number(process.env.FLASH_RESIDENTS ?? 2000)
const FLASH_STOCK = 100
/** Requests in flight at once from this process. */
const CONCURRENCY = Number(process.env.CLUSTER_CONCURRENCY ?? 64)
/** Every n-th resident sends its request twice at once, with one key. */
const DOUBLE_SEND_EVERY = 10
/** Residents in the double-spend race, and awards, pickups and residents in each of the other races. */
const RACE_RESIDENTS = Number(process.env.RACE_RESIDENTS ?? 150)
const RACE_ITEMS = Number(process.env.RACE_ITEMS ?? 60)

/** `npm run ledger:verify` against one database node. */
function ledgerVerifyCli(node: DbNode): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server', 'src', 'main.ts'), 'ledger:verify'], {
    cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: dbUrl(node), LEDGER_CHECKPOINT_FILE: CHECKPOINT_FILE }, encoding: 'utf8',
  })
  assert.equal(result.status, 0, `ledger:verify on ${node.name} failed:\n${result.stdout}${result.stderr}`)
  return result.stdout.trim().split('\n').pop()!
}

/** Every balance and stock figure, as one text per node, so the nodes can be compared. */
async function figures(db: Db): Promise<string> {
  const accounts = await db('ledger_accounts').orderBy(['account_key', 'slot']).select('account_key', 'slot', 'balance')
  const rewards = await db('rewards').orderBy('id').select('id', 'stock_remaining')
  const redemptions = await db('redemptions').count({ n: '*' }).first()
  return JSON.stringify({ accounts, rewards, redemptions: Number(redemptions!.n) })
}

async function checkNodesAgree(dbs: Map<DbNode, Db>) {
  const texts = new Map<string, string>()
  for (const [node, db] of dbs) {
    const report = await verifyLedger(db)
    assert.deepEqual(report.problems, [], `ledger problems on ${node.name}`)
    texts.set(node.name, await figures(db))
  }
  const distinct = new Set(texts.values())
  assert.equal(distinct.size, 1, `the nodes disagree: ${[...texts.keys()].join(', ')}`)
  return [...texts.keys()]
}

/** Checks one Idempotency-Key sent twice got one outcome: the same status and body. */
function assertOneOutcome(pairs: [Answer, Answer][]) {
  for (const [a, b] of pairs) {
    assert.equal(a.status, b.status, `one key, two statuses: ${a.status} ${JSON.stringify(a.body)} / ${b.status} ${JSON.stringify(b.body)}`)
    assert.deepEqual(a.body, b.body)
  }
}

interface FlashResult {
  residents: number
  stock: number
  requests: number
  seconds: number
  requests_per_s: number
  p50_ms: number
  p99_ms: number
  retried: number
  retried_after: Record<string, number>
  per_api_node: Record<string, number>
}

/**
 * FLASH residents race for a reward of `stock`; `during` runs once a third of the requests have been answered.
 * Checks the outcome on the database nodes in `dbs` (those still serving).
 */
async function flash(
  make: ReturnType<typeof factories>, dbs: Map<DbNode, Db>, residents: number, stock: number,
  { during, base = PROXY_URL }: { during?: () => Promise<void>; base?: string } = {},
): Promise<FlashResult> {
  const cost = 10
  log(`making ${residents} residents with ${cost} points each and a reward of stock ${stock} …`)
  const [anyDb] = [...dbs.values()]
  // The points come through real awards; the demo's monthly budgets do not stretch to thousands of residents.
  await anyDb!('award_settings').update({ monthly_budget: null })
  const people = await make.residents(residents, { points: cost })
  const rewardId = await make.reward({ cost, stock, limit: 1 })
  const pointsBefore = Number((await anyDb!('ledger_accounts').where('account_key', 'like', 'resident:%').sum({ s: 'balance' }).first())!.s)
  let answered = 0
  let interruption: Promise<void> | undefined
  const tasks = people.map((p, i) => async () => {
    const key = `flash-${rewardId}-${p.id}`
    const send = () => post(`/api/rewards/${rewardId}/redeem`, undefined, p.token, key, base)
    const answers = i % DOUBLE_SEND_EVERY === 0 ? await Promise.all([send(), send()]) : [await send()]
    if (++answered === Math.floor(residents / 3) && during) interruption = during()
    return answers
  })
  const started = performance.now()
  const results = await pooled(tasks, CONCURRENCY)
  const seconds = (performance.now() - started) / 1000
  await interruption
  const all = results.flat()
  const unexpected = all.filter((a) => a.status !== 201 && !(a.status === 409 && a.body?.error?.code === 'SOLD_OUT'))
  assert.deepEqual(unexpected.slice(0, 5).map((a) => `${a.status} ${JSON.stringify(a.body)}`), [], 'answers other than 201 or SOLD_OUT')
  assertOneOutcome(results.filter((r) => r.length === 2) as [Answer, Answer][])
  const winners = results.filter((r) => r[0]!.status === 201)
  assert.equal(winners.length, stock, `sold ${winners.length}, stock ${stock}`)
  assert.equal(new Set(winners.map((r) => r[0]!.body.id)).size, stock, 'a redemption handed out twice')
  for (const [node, db] of dbs) {
    const reward = await db('rewards').where({ id: rewardId }).first()
    assert.equal(Number(reward.stock_remaining), 0, `stock left on ${node.name}`)
    const sold = await db('redemptions').where({ reward_id: rewardId }).count({ n: '*' }).first()
    assert.equal(Number(sold!.n), stock, `redemptions on ${node.name}`)
    const pointsAfter = Number((await db('ledger_accounts').where('account_key', 'like', 'resident:%').sum({ s: 'balance' }).first())!.s)
    assert.equal(pointsBefore - pointsAfter, stock * cost, `points spent on ${node.name}: ${pointsBefore - pointsAfter}, expected ${stock * cost}`)
  }
  const ms = results.map((r) => r[0]!.ms)
  return {
    residents, stock, requests: all.length, seconds: Number(seconds.toFixed(1)),
    requests_per_s: Number((all.length / seconds).toFixed(1)), p50_ms: Math.round(percentile(ms, 50)), p99_ms: Math.round(percentile(ms, 99)),
    retried: all.filter((a) => a.tries > 1).length, retried_after: retriesOf(all), per_api_node: spread(all),
  }
}

/**
 * The same flash against one API node on the stand-alone MariaDB (SINGLE_MYSQL_URL, default TEST_MYSQL_URL's
 * server or 127.0.0.1:3306), for the numbers to compare; its database is dropped afterwards.
 */
async function singleNodeFlash(): Promise<FlashResult> {
  const server = new URL(process.env.SINGLE_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test')
  server.pathname = '/anju_cluster_single'
  const url = server.toString()
  const admin = createDb({ client: 'mysql', url: process.env.SINGLE_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test' })
  await admin.raw('DROP DATABASE IF EXISTS anju_cluster_single')
  await admin.raw('CREATE DATABASE anju_cluster_single CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci')
  const env = { DATABASE_URL: url, ANJU_DEV_LOGIN: 'true', LOG_LEVEL: 'warn', PORT: '3109', HOST: '127.0.0.1', STATIC_DIR: '', CONSOLE_DIR: '' }
  const seeded = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server', 'src', 'main.ts'), 'seed'], { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8' })
  assert.equal(seeded.status, 0, seeded.stderr)
  const web = spawnAnju('web', { ...env, LOG_LEVEL: 'info' })
  const db = createDb({ client: 'mysql', url })
  try {
    await web.waitForLog(/Anju listening/)
    const single: DbNode = { name: 'single', port: Number(server.port || 3306), gcommPort: 0, istPort: 0, sstPort: 0 }
    return await flash(factories(db, loadConfig({ ...process.env, ...env })), new Map([[single, db]]), FLASH_RESIDENTS, FLASH_STOCK, { base: 'http://127.0.0.1:3109' })
  } finally {
    await web.kill()
    await db.destroy()
    await admin.raw('DROP DATABASE IF EXISTS anju_cluster_single')
    await admin.destroy()
  }
}

/**
 * Reports forwarded to a slow grid platform by the two workers; worker1 is SIGKILLed once a few have arrived.
 * Every message ends delivered, and the platform, which dedupes by Idempotency-Key, acts on each once.
 */
async function workerKilledMidDelivery(make: ReturnType<typeof factories>, db: Db, admin: string) {
  const platform = await startFakeGridPlatform()
  try {
    platform.slowMs = 1500
    platform.script = Array.from({ length: 200 }, () => 'timeout' as const)
    const community = await make.regionId('XT-YT-JSL-XFL')
    const added = await post('/api/admin/grid-platforms', { regionId: community, name: '岳塘区网格化平台', url: platform.url, secret: platform.secret }, admin, `platform-${randomUUID()}`)
    assert.equal(added.status, 201, `grid platform: ${JSON.stringify(added.body)}`)
    const residents = await make.residents(30)
    const filed = await pooled(residents.map((r) => () => post('/api/cases', reportBody(), r.token, `fwd-${randomUUID()}`)), 10)
    assert.deepEqual(filed.filter((a) => a.status !== 201).map((a) => a.status), [])
    const forwarded = () => db('outbox_messages').where({ destination: 'grid_platform' })
    const keys = (await forwarded()).map((r) => r.idempotency_key as string)
    assert.ok(keys.length >= 30, `messages to the platform: ${keys.length}`)
    const deadline = Date.now() + 120_000
    while (platform.received.length < 6 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    log(`killing worker1 (SIGKILL) with ${platform.received.length} of ${keys.length} messages sent …`)
    await killProcess('worker1')
    const delivered = async () => Number((await forwarded().where({ status: 'delivered' }).count({ n: '*' }).first())!.n)
    while ((await delivered()) < keys.length && Date.now() < deadline + 60_000) await new Promise((resolve) => setTimeout(resolve, 500))
    assert.equal(await delivered(), keys.length, 'every forwarded message delivered after the kill')
    assert.deepEqual([...platform.processed].sort(), [...keys].sort(), 'each message acted on once')
    const sentTwice = keys.filter((key) => platform.received.filter((r) => r.idempotencyKey === key).length > 1).length
    const result = { messages: keys.length, sends: platform.received.length, resent_after_the_kill: sentTwice, acted_on: platform.processed.length }
    log(`outbox with worker1 killed: ${JSON.stringify(result)}`)
    return result
  } finally {
    await platform.close()
  }
}

async function main() {
  const keep = process.argv.includes('--keep')
  const startedAt = Date.now()
  log('stopping any running cluster …')
  await down({ log })
  log('the flash on one API node and the stand-alone MariaDB first, for comparison …')
  const single = await singleNodeFlash()
  log(`one node: ${JSON.stringify(single)}`)
  log('starting the cluster afresh …')
  await up({ fresh: true, log })
  const config = loadConfig({ ...process.env, DATABASE_URL: dbUrl(DB_NODES[0]!) })
  const dbs = new Map(DB_NODES.map((node) => [node, createDb({ client: 'mysql', url: dbUrl(node) })] as const))
  const make = factories(dbs.get(DB_NODES[0]!)!, config)
  const summary: Record<string, unknown> = {
    machine: `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, shared`,
    topology: `3 MariaDB ${spawnSync('/usr/sbin/mariadbd', ['--version'], { encoding: 'utf8' }).stdout.match(/Ver (\S+)/)?.[1] ?? ''} Galera nodes (wsrep_sync_wait=${WSREP_SYNC_WAIT}), ${WEB_PORTS.length} API nodes, 2 workers, nginx`,
  }
  try {
    // 1. Report intake, with doubled keys and a shared hourly limit.
    const reporters = await make.residents(60)
    log('report intake: 60 residents × 2 reports, each sent twice with one key, and one resident sending 30 at once …')
    const reportTasks = reporters.flatMap((r) => [0, 1].map(() => async () => {
      const key = `report-${randomUUID()}`
      const body = reportBody()
      return Promise.all([post('/api/cases', body, r.token, key), post('/api/cases', body, r.token, key)])
    }))
    const burst = reporters[0]!
    const burstTasks = Array.from({ length: 30 }, () => () => post('/api/cases', reportBody(), burst.token, `burst-${randomUUID()}`))
    const [pairs, burstAnswers] = await Promise.all([pooled(reportTasks, CONCURRENCY), pooled(burstTasks, 30)])
    assertOneOutcome(pairs)
    const created = pairs.map(([a]) => a).filter((a) => a.status === 201)
    const burstCreated = burstAnswers.filter((a) => a.status === 201).length
    const limited = burstAnswers.filter((a) => a.status === 429 && a.body?.error?.code === 'RATE_LIMITED').length
    // The burst's resident also filed its two doubled reports, within the same hour's limit of 10.
    assert.equal(burstCreated + pairs.slice(0, 2).filter(([a]) => a.status === 201).length, config.gridLoop.reportsPerHour, 'the hourly limit held across API nodes')
    assert.equal(burstCreated + limited, 30)
    const db1 = dbs.get(DB_NODES[0]!)!
    const cases = await db1('cases').whereIn('reporter_id', reporters.map((r) => r.id)).count({ n: '*' }).first()
    const linked = await db1('case_events').whereIn('actor_id', reporters.map((r) => r.id)).where({ kind: 'follow' }).count({ n: '*' }).first()
    assert.equal(Number(cases!.n) + Number(linked!.n), created.length + burstCreated, 'one case (or link) per accepted key')
    const intake = [...pairs.flat(), ...burstAnswers]
    summary.reports = { accepted: created.length + burstCreated, rate_limited: limited, retried_after: retriesOf(intake), per_api_node: spread(intake) }
    log(`reports: ${JSON.stringify(summary.reports)}`)

    // Password attempts on one account from three API nodes at once: the shared counters let exactly the
    // per-account allowance through to the password check, and a counting conflict between nodes is retried.
    const account = await make.account()
    const attempts = await pooled(Array.from({ length: 20 }, () => async () => {
      const res = await fetch(`${PROXY_URL}/api/auth/staff`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: account.username, password: 'not-the-password' }),
      })
      return { status: res.status, body: (await res.json()) as any, upstream: res.headers.get('x-anju-upstream') ?? '', ms: 0, tries: 1, retriedAfter: [] }
    }), 20)
    const throttled = attempts.filter((a) => a.status === 429 && a.body?.error?.code === 'LOGIN_THROTTLED').length
    const checked = attempts.filter((a) => a.status === 401).length
    assert.deepEqual(attempts.filter((a) => a.status !== 401 && a.status !== 429).map((a) => `${a.status} ${JSON.stringify(a.body)}`), [], 'login answers other than 401 or 429')
    assert.equal(checked, config.limits.login.attemptsPerAccount, `password checks past the limit: ${checked}`)
    summary.logins = { attempts: attempts.length, password_checked: checked, throttled, per_api_node: spread(attempts) }
    log(`logins: ${JSON.stringify(summary.logins)}`)

    // 2. A flash redemption over three nodes.
    const calm = await flash(make, dbs, FLASH_RESIDENTS, FLASH_STOCK)
    summary.flash_one_node = single
    summary.flash = calm
    log(`flash: ${JSON.stringify(calm)}`)

    // 3. The single-node concurrency suites, each race sent to different API nodes at once.
    const tokens = { staff: await staffToken('staff'), centre: await staffToken('centre'), admin: await staffToken('admin') }
    const races: RaceContext = { make, dbs, config, tokens, concurrency: CONCURRENCY }
    log(`double spend: ${RACE_RESIDENTS} residents with points for one redemption send two, to two API nodes at once …`)
    summary.double_spend = await doubleSpend(races, RACE_RESIDENTS)
    log(`double spend: ${JSON.stringify(summary.double_spend)}`)
    log(`racing approvals: ${RACE_ITEMS} pending awards, each approved by two staff on two API nodes at once …`)
    summary.racing_approvals = await racingApprovals(races, RACE_ITEMS)
    log(`racing approvals: ${JSON.stringify(summary.racing_approvals)}`)
    log(`racing pickups: ${RACE_ITEMS} pickup codes, each verified by two staff on two API nodes (every other also cancelled on the third) …`)
    summary.racing_pickups = await racingPickups(races, RACE_ITEMS)
    log(`racing pickups: ${JSON.stringify(summary.racing_pickups)}`)
    log(`points expiry racing redemptions: ${RACE_ITEMS} residents redeem on web2 and web3 while the expiry job runs on db1 …`)
    summary.expiry_racing_redemptions = await expiryRacingRedemptions(races, RACE_ITEMS)
    log(`expiry racing redemptions: ${JSON.stringify(summary.expiry_racing_redemptions)}`)
    const agreeing = await checkNodesAgree(dbs)
    const verified = DB_NODES.map((node) => `${node.name}: ${ledgerVerifyCli(node)}`)
    log(`nodes agree (${agreeing.join(', ')}); ${verified.join('; ')}`)

    // 4. A worker killed mid-delivery: the streams it leased are delivered by the other worker, acted on once.
    summary.outbox_with_worker_killed = await workerKilledMidDelivery(make, dbs.get(DB_NODES[0]!)!, tokens.admin)

    // 5. The flash again with a database node killed a third of the way in.
    const victim = DB_NODES[2]!
    const survivors = new Map([...dbs].filter(([node]) => node !== victim))
    let killedAt = 0
    const broken = await flash(make, survivors, Math.round(FLASH_RESIDENTS / 2), FLASH_STOCK / 2, {
      during: async () => {
        log(`killing ${victim.name} (SIGKILL) mid-run …`)
        killedAt = Date.now()
        await killProcess(victim.name)
      },
    })
    const sizes = await Promise.all([...survivors.keys()].map(async (node) => `${node.name}: size ${(await wsrepStatus(node))?.size}`))
    log(`flash with ${victim.name} killed: ${JSON.stringify(broken)}; ${sizes.join(', ')}`)
    const h5 = path.join(REPO_ROOT, 'miniapp', 'dist', 'h5', 'index.html')
    if (fs.existsSync(h5)) {
      const page = await fetch(`${PROXY_URL}/`)
      assert.equal(page.status, 200, 'the h5 app through nginx')
      assert.match(await page.text(), /<div id="app"|<html/i)
      summary.h5_through_nginx = 'served'
    }
    const reads = await Promise.all(Array.from({ length: 30 }, async () => (await fetch(`${PROXY_URL}/readyz`)).status))
    assert.deepEqual(reads.filter((s) => s !== 200), [], 'reads through nginx while a node is down')
    await dbs.get(victim)!.destroy()
    await checkNodesAgree(survivors)
    log(`restarting ${victim.name}: it rejoins and catches up …`)
    const rejoinStarted = Date.now()
    await restartDbNode(victim)
    const rejoinedAt = Date.now()
    const rejoinSeconds = (rejoinedAt - rejoinStarted) / 1000
    dbs.set(victim, createDb({ client: 'mysql', url: dbUrl(victim) }))
    await checkNodesAgree(dbs)
    // worker2 works on db3: it stayed up while its database node was away, and (the only worker left) it runs
    // its jobs again now that the node is back.
    assert.ok(running('worker2'), 'worker2 ended while its database node was down: see .cluster/logs/worker2.out')
    const resumed = async () => {
      const run = await dbs.get(DB_NODES[0]!)!('job_runs').where({ job: 'deliver-outbox' }).first('last_started_at', 'last_ok')
      return !!run && new Date(run.last_started_at).getTime() > rejoinedAt && !!run.last_ok
    }
    const resumeDeadline = Date.now() + 60_000
    while (!(await resumed()) && Date.now() < resumeDeadline) await new Promise((resolve) => setTimeout(resolve, 500))
    assert.ok(await resumed(), 'worker2 did not run its jobs again once db3 was back')
    const workerResumedSeconds = (Date.now() - rejoinedAt) / 1000
    const verifiedAfter = DB_NODES.map((node) => `${node.name}: ${ledgerVerifyCli(node)}`)
    summary.flash_with_node_killed = { ...broken, killed: victim.name, killed_after_s: Number(((killedAt - startedAt) / 1000).toFixed(1)), reads_while_down: reads.length, rejoined_in_s: rejoinSeconds, worker2_stayed_up_and_resumed_within_s: Math.ceil(workerResumedSeconds) }
    summary.ledger_verify = verifiedAfter
    summary.total_s = Math.round((Date.now() - startedAt) / 1000)
    log(`all nodes agree after the rejoin; ${verifiedAfter.join('; ')}`)
    fs.writeFileSync(path.join(REPO_ROOT, 'bench', 'results', 'cluster.json'), `${JSON.stringify(summary, null, 2)}\n`)
    console.log(`\n=== cluster test passed ===\n${JSON.stringify(summary, null, 2)}`)
  } finally {
    await Promise.all([...dbs.values()].map((db) => db.destroy().catch(() => {})))
    if (!keep) await down({ log })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
