import http, { type Server } from 'node:http'
import { createApp } from './app'
import { ConfigError, loadConfig, type Config } from './config'
import { createDb, migrateLatest } from './db/knex'
import { seedDemo } from './db/seeds/demo'
import { seedHistory } from './db/seeds/history'
import { seedCategories } from './db/seeds/gridLoop'
import { startJobs } from './jobs'
import './jobs/all'
import { verifyLedger } from './ledger'
import { createWechatClient } from './integrations/wechat'
import { createLogger } from './logger'
import { chinaDate } from './lib/chinaTime'
import { seedSafetyIndicators } from './safetyIndex'
import { backfillCaseFigures, rebuildCaseFigures, verifyCaseFigures } from './rollups'
import { createMetrics } from './metrics'
import { mayReadMetrics } from './middleware/metricsAccess'

const USAGE = 'usage: main.ts web | worker | demo | migrate | seed | ledger:verify | rollups:rebuild [from] [to] | rollups:verify [from] [to]'

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

async function serve(config: Config, { seed, withJobs }: { seed: boolean; withJobs: boolean }) {
  const logger = createLogger(config.logLevel)
  const db = await migrate(config)
  if (seed) {
    await seedDemo(db)
    await seedHistory(db)
  }
  const app = createApp(config, { db, logger })
  const jobsRunning = new AbortController()
  if (withJobs) startJobs(app.services, jobsRunning.signal)
  const server: Server = app.listen(config.port, config.host, () => {
    const where = config.database.client === 'sqlite' ? config.database.filename : 'MySQL'
    logger.info({ port: config.port, database: where, devLogin: config.devLogin }, `Anju listening on http://127.0.0.1:${config.port}`)
  })
  // Keep idle connections open longer than the usual proxy's 60 s, so the proxy never sends on a closing socket.
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  const shutdown = () => {
    logger.info('shutting down')
    jobsRunning.abort()
    server.close(() => void db.destroy().then(() => process.exit(0)))
    setTimeout(() => process.exit(1), 10_000).unref()
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}

async function main(command: string | undefined) {
  const config = loadConfig()
  switch (command) {
    case 'web':
      return serve(config, { seed: false, withJobs: false })
    case 'worker': {
      const logger = createLogger(config.logLevel)
      const db = await migrate(config)
      const stop = new AbortController()
      const metrics = createMetrics(db)
      startJobs({ db, config, logger, metrics, wechat: createWechatClient(config.wechat) }, stop.signal)
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
      const shutdown = () => {
        metricsServer?.close()
        stop.abort()
        void db.destroy().then(() => process.exit(0))
      }
      process.once('SIGINT', shutdown)
      process.once('SIGTERM', shutdown)
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
        const report = await verifyLedger(db)
        console.log(`ledger: ${report.transactions} transactions, ${report.postings} postings, ${report.accounts} account slots`)
        for (const p of report.problems) console.log(`PROBLEM ${p.kind} ${p.subject}: ${p.detail}`)
        console.log(report.problems.length === 0 ? 'ledger verified: no problems' : `${report.problems.length} problems found`)
        process.exitCode = report.problems.length === 0 ? 0 : 1
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
