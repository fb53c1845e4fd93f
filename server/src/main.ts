import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createApp } from './app'
import { assertServableSecrets, ConfigError, developmentSecretsIn, loadConfig, type Config } from './config'
import { createDb, migrateLatest, type Db } from './db/knex'
import { seedDemo } from './db/seeds/demo'
import { seedHistory } from './db/seeds/history'
import { seedCategories } from './db/seeds/gridLoop'
import { startJobs } from './jobs'
import './jobs/all'
import { checkpointLedger, rekeyLedger, setLedgerChainKey, verifyFromCheckpoints, type VerifyReport } from './ledger'
import { createLogger } from './logger'
import { chinaDate } from './lib/chinaTime'
import { seedSafetyIndicators } from './safetyIndex'
import { backfillCaseFigures, rebuildCaseFigures, verifyCaseFigures } from './rollups'
import type { Logger } from 'pino'
import { createWechatClient } from './integrations/wechat'
import { createFileStore } from './integrations/fileStore'
import { createMetrics } from './metrics'
import { mayReadMetrics } from './middleware/metricsAccess'

const USAGE = 'usage: main.ts web | worker | demo | migrate | seed | ledger:verify [--full] | ledger:checkpoint | ledger:rekey | rollups:rebuild [from] [to] | rollups:verify [from] [to]'

/** Brings the schema up to date and adds the reference data a working system needs (SPEC's categories). */
async function migrate(config: Config) {
  const db = createDb(config.database)
  try {
    await migrateLatest(db)
    await seedCategories(db)
    await seedSafetyIndicators(db)
    // Once per database: the daily case rollups for the cases stored before they existed.
    await backfillCaseFigures(db, new Date(), (message) => console.log(message))
    return db
  } catch (err) {
    await db.destroy()
    throw err
  }
}

/** How long a shutdown waits for requests in flight and the job item in hand before giving up. */
const SHUTDOWN_GRACE_MS = 25_000

/**
 * Stops on SIGTERM or SIGINT without dropping work: `finish` (stop accepting, let what is in flight complete)
 * runs once, then the database closes and the process exits 0; past the grace period it exits 1.
 */
function onShutdown(logger: Logger, db: Db, finish: () => Promise<void>) {
  let started = false
  const shutdown = (signal: string) => {
    if (started) return
    started = true
    logger.info({ signal }, 'shutting down: finishing requests and job items in flight')
    setTimeout(() => {
      logger.error('shutdown took too long: exiting')
      process.exit(1)
    }, SHUTDOWN_GRACE_MS).unref()
    void finish()
      .then(() => db.destroy())
      .then(() => {
        logger.info('stopped')
        process.exit(0)
      })
      .catch((err) => {
        logger.error({ err }, 'shutdown failed')
        process.exit(1)
      })
  }
  process.once('SIGINT', () => shutdown('SIGINT'))
  process.once('SIGTERM', () => shutdown('SIGTERM'))
}

async function serve(config: Config, { seed, withJobs }: { seed: boolean; withJobs: boolean }) {
  assertServableSecrets(config, { demo: seed })
  const logger = createLogger(config.logLevel)
  const defaults = developmentSecretsIn(config)
  if (defaults.length) logger.warn({ secrets: defaults }, 'serving with the public development secrets: development use only')
  const db = await migrate(config)
  if (seed) {
    await seedDemo(db)
    await seedHistory(db)
  }
  const app = createApp(config, { db, logger })
  // A wrong bucket, key or directory stops the start, rather than the first photo.
  await app.services.files.check()
  const jobs = withJobs ? startJobs(app.services) : undefined
  const server: Server = app.listen(config.port, config.host, () => {
    const where = config.database.client === 'sqlite' ? config.database.filename : 'MySQL'
    const { port } = server.address() as AddressInfo
    logger.info({ port, database: where, devLogin: config.devLogin }, `Anju listening on http://127.0.0.1:${port}`)
  })
  // Keep idle connections open longer than the usual proxy's 60 s, so the proxy never sends on a closing socket.
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  const drain = drainOnShutdown(server)
  onShutdown(logger, db, async () => {
    await drain()
    await jobs?.stop()
    await app.close()
  })
}

/** Longest a shutdown keeps taking the requests of connections made just before it. */
const DRAIN_MAX_MS = 5_000
/** A shutdown stops listening once no connection has arrived for this long and none is waiting to be read. */
const DRAIN_QUIET_MS = 300

/**
 * Closing the server drops every connection without a request in progress, which includes connections made a
 * moment ago whose request has not been read yet (under load the process is slow to get to them), and closing the
 * listening socket resets connections still queued to be accepted. So a shutdown first answers everything with
 * `Connection: close` and keeps listening until connections have stopped arriving and each one has sent its
 * request (at most DRAIN_MAX_MS), then stops listening; server.close() resolves once the last answer is sent.
 */
function drainOnShutdown(server: Server): () => Promise<void> {
  const waitingForRequest = new Set<Socket>()
  const unanswered = new Set<ServerResponse>()
  let draining = false
  let lastConnectionAt = 0
  server.on('connection', (socket: Socket) => {
    lastConnectionAt = Date.now()
    waitingForRequest.add(socket)
    socket.once('close', () => waitingForRequest.delete(socket))
  })
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    waitingForRequest.delete(req.socket)
    if (draining) res.setHeader('Connection', 'close')
    unanswered.add(res)
    res.once('close', () => unanswered.delete(res))
  })
  return async () => {
    draining = true
    for (const res of unanswered) if (!res.headersSent) res.setHeader('Connection', 'close')
    const started = Date.now()
    const settled = () => waitingForRequest.size === 0 && Date.now() - lastConnectionAt >= DRAIN_QUIET_MS
    while (!settled() && Date.now() - started < DRAIN_MAX_MS) await new Promise((resolve) => setTimeout(resolve, 20))
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

/** Prints a verification's report and answers whether it found nothing wrong. */
function printLedgerReport(report: VerifyReport): boolean {
  const from = report.fromCheckpoint ? ` after the checkpoint of ${report.fromCheckpoint}` : ''
  console.log(`ledger: ${report.transactions} transactions, ${report.postings} postings${from}, ${report.accounts} account slots`)
  for (const p of report.problems) console.log(`PROBLEM ${p.kind} ${p.subject}: ${p.detail}`)
  console.log(report.problems.length === 0 ? 'ledger verified: no problems' : `${report.problems.length} problems found`)
  return report.problems.length === 0
}

async function main(command: string | undefined) {
  const config = loadConfig()
  setLedgerChainKey(config.ledger.chainKey)
  switch (command) {
    case 'web':
      return serve(config, { seed: false, withJobs: false })
    case 'worker': {
      const logger = createLogger(config.logLevel)
      const db = await migrate(config)
      const metrics = createMetrics(db)
      const files = createFileStore(config.gridLoop.uploadStore)
      await files.check()
      const jobs = startJobs({ db, config, logger, metrics, files, wechat: createWechatClient(config.wechat) })
      // The worker's own counters (deliveries, failures) for a local scraper; the database-held figures are on every web instance too.
      const metricsServer = config.workerMetricsPort
        ? http.createServer((req, res) => {
            if (req.url !== '/metrics' || !mayReadMetrics(req, config.metricsToken)) return res.writeHead(404).end()
            metrics.render().then(
              ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
              (err: unknown) => {
                logger.error({ err }, 'metrics failed')
                res.writeHead(500).end()
              },
            )
          }).listen(config.workerMetricsPort, '127.0.0.1')
        : null
      logger.info({ metricsPort: config.workerMetricsPort || undefined }, 'worker running')
      onShutdown(logger, db, async () => {
        metricsServer?.close()
        await jobs.stop()
      })
      // Runs until a signal stops it; the jobs' timers keep the process up meanwhile.
      return new Promise<void>(() => undefined)
    }
    case 'demo':
      if (config.env === 'production') throw new ConfigError('demo data is never seeded in production')
      // One process for a newcomer: the API, the h5 app and the background jobs.
      return serve(config, { seed: true, withJobs: true })
    case 'migrate':
      return (await migrate(config)).destroy()
    case 'seed': {
      if (config.env === 'production') throw new ConfigError('demo data is never seeded in production')
      const db = await migrate(config)
      await seedDemo(db)
      await seedHistory(db)
      return db.destroy()
    }
    case 'ledger:verify': {
      const db = createDb(config.database)
      try {
        process.exitCode = printLedgerReport(await verifyFromCheckpoints(db, config.ledger.checkpointFile, process.argv.includes('--full'))) ? 0 : 1
      } finally {
        await db.destroy()
      }
      return
    }
    case 'ledger:checkpoint': {
      const db = createDb(config.database)
      try {
        const { report, written } = await checkpointLedger(db, config.ledger.checkpointFile, new Date())
        printLedgerReport(report)
        if (!written) {
          console.log('no checkpoint written')
          process.exitCode = 1
          return
        }
        console.log(`checkpoint of ${written.slots.length} account slots at ${written.at} appended to ${config.ledger.checkpointFile}`)
      } finally {
        await db.destroy()
      }
      return
    }
    case 'ledger:rekey': {
      // The ledger stays as it is unless everything verifies under the key it was chained with.
      const previousKey = process.env.LEDGER_CHAIN_KEY_PREVIOUS
      if (!previousKey) throw new ConfigError('ledger:rekey needs LEDGER_CHAIN_KEY_PREVIOUS (the key the ledger is chained with now) and LEDGER_CHAIN_KEY (the new one)')
      if (previousKey === config.ledger.chainKey) throw new ConfigError('LEDGER_CHAIN_KEY_PREVIOUS and LEDGER_CHAIN_KEY are the same key')
      const db = createDb(config.database)
      try {
        const result = await rekeyLedger(db, { previousKey, checkpointFile: config.ledger.checkpointFile, now: new Date() })
        for (const p of result.problems) console.log(`PROBLEM ${p.kind} ${p.subject}: ${p.detail}`)
        if (!result.checkpoint) {
          console.log(result.rehashed === 0 ? 'the ledger does not verify under LEDGER_CHAIN_KEY_PREVIOUS: nothing changed' : 'no checkpoint written')
          process.exitCode = 1
          return
        }
        if (result.retiredFile) console.log(`checkpoints signed with the previous key moved to ${result.retiredFile}`)
        console.log(`${result.rehashed} transactions chained with the new key; checkpoint of ${result.checkpoint.slots.length} account slots appended to ${config.ledger.checkpointFile}`)
      } finally {
        await db.destroy()
      }
      return
    }
    case 'rollups:rebuild':
    case 'rollups:verify': {
      const db = createDb(config.database)
      const to = process.argv[4] ?? chinaDate(new Date())
      const from = process.argv[3] ?? chinaDate(new Date(Date.now() - 90 * 86_400_000))
      try {
        if (command === 'rollups:rebuild') {
          const done = await rebuildCaseFigures(db, from, to)
          console.log(`case rollups rebuilt: ${done.days} days, ${done.cases} cases (${from} … ${to})`)
        } else {
          const differences = await verifyCaseFigures(db, from, to)
          for (const d of differences) console.log(`DIFFERENCE ${d.table} ${d.key} ${d.column}: stored ${d.stored}, cases give ${d.actual}`)
          console.log(differences.length === 0 ? `case rollups match the cases (${from} … ${to})` : `${differences.length} differences found`)
          process.exitCode = differences.length === 0 ? 0 : 1
        }
      } finally {
        await db.destroy()
      }
      return
    }
    default:
      console.error(USAGE)
      process.exitCode = 2
  }
}

main(process.argv[2]).catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err)
  process.exit(1)
})
