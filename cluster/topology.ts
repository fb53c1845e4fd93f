import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import mysql from 'mysql2/promise'
import { REPO_ROOT } from '../server/src/config'

/**
 * Anju as a cluster on one machine, without containers: three MariaDB nodes replicating with Galera (synchronous,
 * multi-primary), three stateless API processes (`main.ts web`), each on its own database node, two workers, and
 * nginx balancing the API processes on one port. Photos are kept in one directory every process shares, or, with
 * CLUSTER_UPLOAD_STORE=s3, in a bucket on a local S3-compatible server (s3rver) the way separate machines would share
 * them. Everything lives under `.cluster/` and every process started is written down there, so `down` stops exactly those.
 */

export const STATE_DIR = path.join(REPO_ROOT, '.cluster')
const PIDS_DIR = path.join(STATE_DIR, 'pids')
const LOGS_DIR = path.join(STATE_DIR, 'logs')
export const UPLOAD_DIR = path.join(STATE_DIR, 'uploads')
/**
 * The workers' signed ledger checkpoints, kept with the cluster's data: a fresh cluster starts without them, and a
 * demo or another database's checkpoints (data/ledger-checkpoints.jsonl) are never read against this ledger.
 */
export const CHECKPOINT_FILE = path.join(STATE_DIR, 'ledger-checkpoints.jsonl')
/** Where the cluster's S3-compatible server keeps its buckets. */
const S3_DIR = path.join(STATE_DIR, 's3')
const MARIADBD = '/usr/sbin/mariadbd'
const NGINX = '/usr/sbin/nginx'
const GALERA_PROVIDERS = ['/usr/lib/galera/libgalera_smm.so', '/usr/lib/libgalera_smm.so', '/usr/lib/x86_64-linux-gnu/galera/libgalera_smm.so']
const MAIN = path.join(REPO_ROOT, 'server', 'src', 'main.ts')
export const DATABASE = 'anju'

export interface DbNode {
  name: string
  /** Client port. */
  port: number
  /** Group communication (gcomm), incremental state transfer and full state transfer (rsync) ports. */
  gcommPort: number
  istPort: number
  sstPort: number
}

export const DB_NODES: DbNode[] = [1, 2, 3].map((n) => ({
  name: `db${n}`, port: 3310 + n, gcommPort: 4557 + 10 * n, istPort: 4558 + 10 * n, sstPort: 4443 + n,
}))
export const WEB_PORTS = [3101, 3102, 3103]
export const PROXY_PORT = Number(process.env.CLUSTER_PORT ?? 8088)
export const PROXY_URL = `http://127.0.0.1:${PROXY_PORT}`
/** The local S3-compatible server, its bucket and its built-in credentials (a development topology). */
const S3_PORT = 4569
const S3_BUCKET = 'anju-photos'
const S3_STORE = `s3+http://S3RVER:S3RVER@127.0.0.1:${S3_PORT}/${S3_BUCKET}`

/** Where the API nodes and workers keep photos: `local` (one shared directory, the default) or `s3`. */
export function clusterUploadStore(): 'local' | 's3' {
  const chosen = process.env.CLUSTER_UPLOAD_STORE || 'local'
  if (chosen !== 'local' && chosen !== 's3') throw new Error('CLUSTER_UPLOAD_STORE must be local or s3')
  return chosen
}

export const dbUrl = (node: DbNode) => `mysql://root@127.0.0.1:${node.port}/${DATABASE}`

/**
 * READ (1): every SELECT, SHOW and BEGIN first waits until this node has applied everything the cluster had
 * committed when it was sent. A resident's request may land on another API node, behind another database node,
 * than the write before it, and must still see that write (read-your-writes through the balancer). Writes need
 * no wait: a write made on a stale view fails certification and comes back as error 1213, which the
 * transaction layer retries.
 */
export const WSREP_SYNC_WAIT = 1

const run = (name: string) => path.join(STATE_DIR, name)

/**
 * The account the database nodes run as. Started by root they drop to `mysql`, as a packaged server does; that
 * also lets the rsync state transfer, whose daemon would otherwise fall back to `nobody`, write the joiner's data.
 */
function dbUser(): string {
  if (process.getuid?.() !== 0) return os.userInfo().username
  return spawnSync('id', ['-u', 'mysql']).status === 0 ? 'mysql' : 'root'
}

function galeraProvider(): string {
  const found = GALERA_PROVIDERS.find((p) => fs.existsSync(p))
  if (!found) throw new Error('libgalera_smm.so not found: install the galera-4 package')
  return found
}

function nodeConfig(node: DbNode): string {
  const dir = run(node.name)
  const cluster = DB_NODES.map((n) => `127.0.0.1:${n.gcommPort}`).join(',')
  return `[mysqld]
datadir=${dir}/data
port=${node.port}
bind-address=127.0.0.1
socket=${dir}/mariadb.sock
pid-file=${dir}/mariadb.pid
log-error=${dir}/error.log
user=${dbUser()}
skip-name-resolve
max-connections=300
innodb-buffer-pool-size=64M
innodb-log-file-size=48M
# Galera replicates row images of InnoDB tables; interleaved auto-increment needs lock mode 2.
binlog-format=ROW
default-storage-engine=InnoDB
innodb-autoinc-lock-mode=2
wsrep-on=ON
wsrep-provider=${galeraProvider()}
wsrep-cluster-name=anju
wsrep-cluster-address=gcomm://${cluster}
wsrep-node-name=${node.name}
wsrep-node-address=127.0.0.1:${node.gcommPort}
wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:${node.gcommPort};ist.recv_addr=127.0.0.1:${node.istPort};gcache.size=64M"
wsrep-sst-method=rsync
wsrep-sst-receive-address=127.0.0.1:${node.sstPort}
wsrep-sync-wait=${WSREP_SYNC_WAIT}
wsrep-slave-threads=2
# Each node hands out auto-increment values in its own lane (increment 3, offset by node).
wsrep-auto-increment-control=ON
`
}

interface Started {
  name: string
  pid: number
  /** A piece of the process's command line, checked before it is signalled, so a reused pid is left alone. */
  marker: string
}

function record(entry: Started) {
  fs.mkdirSync(PIDS_DIR, { recursive: true })
  fs.writeFileSync(path.join(PIDS_DIR, `${entry.name}.json`), JSON.stringify(entry))
}

function recorded(): Started[] {
  if (!fs.existsSync(PIDS_DIR)) return []
  return fs.readdirSync(PIDS_DIR).filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(PIDS_DIR, f), 'utf8')) as Started)
}

function alive(entry: Started): boolean {
  try {
    return fs.readFileSync(`/proc/${entry.pid}/cmdline`, 'utf8').includes(entry.marker)
  } catch {
    return false
  }
}

function startDetached(name: string, command: string, args: string[], env: Record<string, string>, marker: string): Started {
  fs.mkdirSync(LOGS_DIR, { recursive: true })
  const log = fs.openSync(path.join(LOGS_DIR, `${name}.out`), 'a')
  const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', log, log], detached: true })
  child.unref()
  fs.closeSync(log)
  const entry = { name, pid: child.pid!, marker }
  record(entry)
  return entry
}

async function sql(node: DbNode, statement: string, database?: string): Promise<any[]> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: node.port, user: 'root', database, connectTimeout: 1500 })
  try {
    const [rows] = await conn.query(statement)
    return rows as any[]
  } finally {
    await conn.end()
  }
}

/** The node's view of the cluster: its size and whether it is synced and serving. */
export async function wsrepStatus(node: DbNode): Promise<{ size: number; state: string; ready: boolean } | null> {
  try {
    const rows = await sql(node, "SHOW STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_local_state_comment', 'wsrep_ready')")
    const get = (k: string) => rows.find((r) => r.Variable_name === k)?.Value as string | undefined
    return { size: Number(get('wsrep_cluster_size')), state: get('wsrep_local_state_comment') ?? '', ready: get('wsrep_ready') === 'ON' }
  } catch {
    return null
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, entry?: Started) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (entry && !alive(entry)) throw new Error(`${what}: the process ended; see .cluster/logs and .cluster/db*/error.log`)
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s; see ${LOGS_DIR}`)
    await new Promise((resolve) => setTimeout(resolve, 300))
  }
}

/** Starts one database node (the first with --wsrep-new-cluster) and waits until it is synced with `size` members. */
export async function startDbNode(node: DbNode, { bootstrap, size }: { bootstrap: boolean; size: number }) {
  const cnf = path.join(run(node.name), 'my.cnf')
  fs.writeFileSync(cnf, nodeConfig(node))
  const entry = startDetached(node.name, MARIADBD, [`--defaults-file=${cnf}`, ...(bootstrap ? ['--wsrep-new-cluster'] : [])], {}, cnf)
  await waitFor(`${node.name}`, async () => {
    const s = await wsrepStatus(node)
    return !!s && s.ready && s.state === 'Synced' && s.size >= size
  }, 180_000, entry)
}

/** SIGKILLs one process `up` started (db1…db3, web1…web3, worker1, worker2, s3): a crash, no clean shutdown. */
export async function killProcess(name: string) {
  const entry = recorded().find((e) => e.name === name)
  if (!entry || !alive(entry)) throw new Error(`${name} is not running`)
  process.kill(entry.pid, 'SIGKILL')
  await waitFor(`${name} to end`, async () => !alive(entry), 30_000)
}

/** Whether a process `up` started (db1…db3, web1…web3, worker1, worker2, nginx, s3) is still running. */
export function running(name: string): boolean {
  const entry = recorded().find((e) => e.name === name)
  return !!entry && alive(entry)
}

/** The node whose grastate.dat says it may restart the cluster (it stopped last, cleanly). */
function bootstrapNode(): DbNode {
  for (const node of DB_NODES) {
    const file = path.join(run(node.name), 'data', 'grastate.dat')
    if (fs.existsSync(file) && /safe_to_bootstrap:\s*1/.test(fs.readFileSync(file, 'utf8'))) return node
  }
  throw new Error(
    'no database node is marked safe to bootstrap (the cluster did not stop cleanly): ' +
      'pick the node with the highest seqno in .cluster/db*/data/grastate.dat, set safe_to_bootstrap: 1 there, ' +
      'or start afresh with `npm run cluster:up -- --fresh`',
  )
}

function nginxConfig(): string {
  const prefix = run('nginx')
  const upstreams = WEB_PORTS.map((p) => `    server 127.0.0.1:${p} max_fails=3 fail_timeout=10s;`).join('\n')
  return `worker_processes 2;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${path.join(LOGS_DIR, 'nginx-error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  client_max_body_size 12m;
  upstream anju_api {
${upstreams}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${PROXY_PORT};
    location / {
      proxy_pass http://anju_api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # A node that cannot reach its database answers 503: safe requests go to the next node; a POST is
      # retried by its client with the same Idempotency-Key. Three such answers rest the node for 10 s.
      proxy_next_upstream error timeout http_502 http_503 http_504;
      proxy_next_upstream_tries 3;
      proxy_read_timeout 120s;
      add_header X-Anju-Upstream $upstream_addr always;
    }
  }
}
`
}

function appEnv(node: DbNode, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: dbUrl(node),
    ...(clusterUploadStore() === 's3' ? { UPLOAD_STORE: S3_STORE } : { UPLOAD_DIR }),
    LEDGER_CHECKPOINT_FILE: CHECKPOINT_FILE,
    PUBLIC_BASE_URL: PROXY_URL,
    TRUST_PROXY: 'true',
    // A development topology: the development login lets the h5 app sign in without WeChat.
    ANJU_DEV_LOGIN: 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...extra,
  }
}

function runMain(command: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', MAIN, command], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`main.ts ${command} failed`)
}

async function httpReady(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok
  } catch {
    return false
  }
}

async function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

export async function up({ fresh = false, log = console.log }: { fresh?: boolean; log?: (m: string) => void } = {}) {
  if (recorded().some(alive)) throw new Error('the cluster is already running: `npm run cluster:down` first')
  const store = clusterUploadStore()
  if (!fs.existsSync(MARIADBD)) throw new Error(`${MARIADBD} not found: install mariadb-server and galera-4`)
  galeraProvider()
  if (!fs.existsSync(NGINX)) throw new Error(`${NGINX} not found: install the nginx package`)
  if (spawnSync('rsync', ['--version']).status !== 0) throw new Error('rsync not found: the database nodes use it for state transfer')
  const busy = []
  for (const port of [...DB_NODES.flatMap((n) => [n.port, n.gcommPort, n.istPort, n.sstPort]), ...WEB_PORTS, PROXY_PORT, ...(store === 's3' ? [S3_PORT] : [])]) {
    if (!(await portFree(port))) busy.push(port)
  }
  if (busy.length) throw new Error(`ports in use: ${busy.join(', ')}`)
  if (fresh) fs.rmSync(STATE_DIR, { recursive: true, force: true })
  fs.rmSync(PIDS_DIR, { recursive: true, force: true })
  fs.mkdirSync(LOGS_DIR, { recursive: true })
  fs.mkdirSync(UPLOAD_DIR, { recursive: true })

  const initialised = fs.existsSync(path.join(run(DB_NODES[0]!.name), 'data', 'mysql'))
  if (!initialised) {
    for (const node of DB_NODES) {
      fs.mkdirSync(run(node.name), { recursive: true })
      const install = spawnSync('mariadb-install-db', [
        '--no-defaults', `--datadir=${run(node.name)}/data`, '--auth-root-authentication-method=normal', '--skip-test-db', `--user=${dbUser()}`,
      ], { encoding: 'utf8' })
      if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout}`)
      spawnSync('chown', ['-R', dbUser(), run(node.name)])
    }
  }
  // The first node starts a new cluster; the others join it and receive its state (rsync SST, or IST on a restart).
  const first = initialised ? bootstrapNode() : DB_NODES[0]!
  log(`starting ${first.name} (bootstrapping the cluster) …`)
  await startDbNode(first, { bootstrap: true, size: 1 })
  let size = 1
  for (const node of DB_NODES.filter((n) => n !== first)) {
    log(`starting ${node.name} (joining) …`)
    await startDbNode(node, { bootstrap: false, size: ++size })
  }

  const seededMarker = run('seeded')
  if (!fs.existsSync(seededMarker)) {
    log('creating the database, migrating and seeding the demo data …')
    await sql(DB_NODES[0]!, `CREATE DATABASE IF NOT EXISTS ${DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
    runMain('seed', appEnv(DB_NODES[0]!))
    fs.writeFileSync(seededMarker, new Date().toISOString())
  }

  fs.writeFileSync(path.join(STATE_DIR, 'README'), 'State of `npm run cluster:up`: database nodes, uploads (uploads/ or the buckets in s3/), logs and the pids `npm run cluster:down` stops.\n')
  if (store === 's3') {
    // s3rver is a development dependency (the tests use it too); it creates the bucket when it is missing.
    log(`starting the S3-compatible server on ${S3_PORT} (bucket ${S3_BUCKET} in .cluster/s3) …`)
    const bin = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js')
    fs.mkdirSync(S3_DIR, { recursive: true })
    const s3 = startDetached('s3', process.execPath, [bin, '-d', S3_DIR, '-a', '127.0.0.1', '-p', String(S3_PORT), '--configure-bucket', S3_BUCKET, '--silent'], {}, S3_DIR)
    await waitFor('s3', () => tcpOpen(S3_PORT), 30_000, s3)
  }
  const webs = DB_NODES.map((node, i) =>
    startDetached(`web${i + 1}`, process.execPath, ['--import', 'tsx', MAIN, 'web'], appEnv(node, { PORT: String(WEB_PORTS[i]), HOST: '127.0.0.1' }), MAIN))
  // Two workers on two database nodes: outbox streams are leased, other jobs act through guarded updates.
  for (const [i, node] of [DB_NODES[1]!, DB_NODES[2]!].entries()) {
    startDetached(`worker${i + 1}`, process.execPath, ['--import', 'tsx', MAIN, 'worker'], appEnv(node), MAIN)
  }
  for (const [i, web] of webs.entries()) {
    await waitFor(`web${i + 1}`, () => httpReady(`http://127.0.0.1:${WEB_PORTS[i]}/readyz`), 120_000, web)
  }
  const prefix = run('nginx')
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(prefix, sub), { recursive: true, mode: 0o777 })
  const conf = path.join(prefix, 'nginx.conf')
  fs.writeFileSync(conf, nginxConfig())
  const nginx = startDetached('nginx', NGINX, ['-p', prefix, '-c', conf], {}, conf)
  await waitFor('nginx', () => httpReady(`${PROXY_URL}/readyz`), 30_000, nginx)
  if (!fs.existsSync(path.join(REPO_ROOT, 'miniapp', 'dist', 'h5', 'index.html'))) log('no h5 build yet: `npm run build:h5` and the API nodes serve it at /')
  const photos = store === 's3' ? `photos in bucket ${S3_BUCKET} at 127.0.0.1:${S3_PORT}` : 'photos in .cluster/uploads'
  log(`Anju cluster: ${PROXY_URL}  (API nodes ${WEB_PORTS.join(', ')} on database nodes ${DB_NODES.map((n) => n.port).join(', ')}; ${photos}; logs in .cluster/logs)`)
}

/**
 * Stops what `up` started: nginx and the Node processes first, then the S3-compatible server (once no process is
 * left to store a photo), then the database nodes one by one (the last stays safe to bootstrap).
 */
export async function down({ log = console.log }: { log?: (m: string) => void } = {}) {
  const entries = recorded()
  const order = ['nginx', 'web1', 'web2', 'web3', 'worker1', 'worker2', 's3', 'db3', 'db2', 'db1']
  entries.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
  const last = (e: Started) => e.name === 's3' || e.name.startsWith('db')
  const groups = [entries.filter((e) => !last(e)), ...entries.filter(last).map((e) => [e])]
  for (const group of groups) {
    const running = group.filter(alive)
    for (const e of running) process.kill(e.pid, 'SIGTERM')
    const deadline = Date.now() + 60_000
    while (running.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200))
    for (const e of running.filter(alive)) process.kill(e.pid, 'SIGKILL')
    for (const e of group) {
      if (running.includes(e)) log(`stopped ${e.name} (pid ${e.pid})`)
      fs.rmSync(path.join(PIDS_DIR, `${e.name}.json`), { force: true })
    }
  }
  if (entries.length === 0) log('nothing to stop')
}

/** Starts a stopped database node again; it rejoins and catches up by incremental state transfer. */
export async function restartDbNode(node: DbNode) {
  await startDbNode(node, { bootstrap: false, size: DB_NODES.length })
}

export async function status(): Promise<string[]> {
  const lines: string[] = []
  for (const e of recorded()) lines.push(`${e.name.padEnd(8)} pid ${e.pid} ${alive(e) ? 'running' : 'gone'}`)
  for (const node of DB_NODES) {
    const s = await wsrepStatus(node)
    lines.push(`${node.name} :${node.port} ${s ? `${s.state}, cluster size ${s.size}` : 'not answering'}`)
  }
  return lines
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const [command] = process.argv.slice(2)
  const commands: Record<string, () => Promise<unknown>> = {
    up: () => up({ fresh: process.argv.includes('--fresh') }),
    down: () => down(),
    status: async () => console.log((await status()).join('\n')),
  }
  const chosen = command ? commands[command] : undefined
  if (!chosen) {
    console.error('usage: cluster/topology.ts up [--fresh] | down | status')
    process.exit(2)
  }
  chosen().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  })
}
