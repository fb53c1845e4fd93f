import type { Server } from 'node:http'
import { createApp } from './app'
import { ConfigError, loadConfig, type Config } from './config'
import { createDb, migrateLatest } from './db/knex'
import { seedDemo } from './db/seeds/demo'
import { createLogger } from './logger'

const USAGE = 'usage: main.ts web | demo | migrate | seed'

async function migrate(config: Config) {
  const db = createDb(config.database)
  try {
    await migrateLatest(db)
    return db
  } catch (err) {
    await db.destroy()
    throw err
  }
}

async function serve(config: Config, { seed }: { seed: boolean }) {
  const logger = createLogger(config.logLevel)
  const db = await migrate(config)
  if (seed) await seedDemo(db)
  const app = createApp(config, { db, logger })
  const server: Server = app.listen(config.port, config.host, () => {
    const where = config.database.client === 'sqlite' ? config.database.filename : 'MySQL'
    logger.info({ port: config.port, database: where, devLogin: config.devLogin }, `Anju listening on http://127.0.0.1:${config.port}`)
  })
  const shutdown = () => {
    logger.info('shutting down')
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
      return serve(config, { seed: false })
    case 'demo':
      if (config.env === 'production') throw new ConfigError('demo data is never seeded in production')
      return serve(config, { seed: true })
    case 'migrate':
      return (await migrate(config)).destroy()
    case 'seed': {
      if (config.env === 'production') throw new ConfigError('demo data is never seeded in production')
      const db = await migrate(config)
      await seedDemo(db)
      return db.destroy()
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
