import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from './app'
import { assertServableSecrets, ConfigError, developmentSecretsIn, loadConfig, type Config } from './config'
import { createDb, migrateLatest } from './db/knex'
import { seedDemo } from './db/seeds/demo'
import { seedCategories } from './db/seeds/gridLoop'
import { startJobs } from './jobs'
import './jobs/all'
import { verifyLedger } from './ledger'
import { createLogger } from './logger'

const USAGE = 'usage: main.ts web | worker | demo | migrate | seed | ledger:verify'

/** Brings the schema up to date and adds the reference data a working system needs (SPEC's categories). */
async function migrate(config: Config) {
  const db = createDb(config.database)
  try {
    await migrateLatest(db)
    await seedCategories(db)
    return db
  } catch (err) {
    await db.destroy()
    throw err
  }
}

async function serve(config: Config, { seed, withJobs }: { seed: boolean; withJobs: boolean }) {
  assertServableSecrets(config, { demo: seed })
  const logger = createLogger(config.logLevel)
  const defaults = developmentSecretsIn(config)
  if (defaults.length) logger.warn({ secrets: defaults }, 'serving with the public development secrets: development use only')
  const db = await migrate(config)
  if (seed) await seedDemo(db)
  const app = createApp(config, { db, logger })
  const jobsRunning = new AbortController()
  if (withJobs) startJobs({ db, config, logger }, jobsRunning.signal)
  const server: Server = app.listen(config.port, config.host, () => {
    const where = config.database.client === 'sqlite' ? config.database.filename : 'MySQL'
    const { port } = server.address() as AddressInfo
    logger.info({ port, database: where, devLogin: config.devLogin }, `Anju listening on http://127.0.0.1:${port}`)
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
      startJobs({ db, config, logger }, stop.signal)
      logger.info('worker running')
      const shutdown = () => {
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
    default:
      console.error(USAGE)
      process.exitCode = 2
  }
}

main(process.argv[2]).catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err)
  process.exit(1)
})
