import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pino, { type Logger } from 'pino'
import { createApp, type AnjuApp } from '../app'
import { loadConfig, type Config } from '../config'
import type { DbClient } from '../db/knex'
import type { Clock } from '../lib/clock'
import { seedDemo } from '../db/seeds/demo'
import { createTestDatabase, type TestDatabase } from './databases'
import { startFakeWechat, type FakeWechat } from './fakeWechat'
import { factories } from './factories'
import { createHttpClient, type HttpClient } from './http'

export interface TestServer {
  url: string
  app: AnjuApp
  database: TestDatabase
  config: Config
  wechat: FakeWechat
  http: HttpClient
  make: ReturnType<typeof factories>
  close(): Promise<void>
}

/**
 * The real app on a real port, with its own database (migrated and seeded with the demo data) and a
 * fake WeChat. `env` adds to or overrides the environment the config is read from; `clock` replaces the
 * system clock the rules read (see testing/clock.ts). `sharing` runs a second instance of the service on another
 * server's database, as the API nodes of a cluster do; that database stays its owner's to drop.
 */
export async function startTestServer(
  kind: DbClient,
  { env = {}, seed = true, clock, mysqlUrl, logger, sharing }: {
    env?: Record<string, string>; seed?: boolean; clock?: Clock; mysqlUrl?: string; logger?: Logger; sharing?: TestServer
  } = {},
): Promise<TestServer> {
  const database = sharing?.database ?? (await createTestDatabase(kind, { mysqlUrl }))
  if (seed && !sharing) await seedDemo(database.db)
  const wechat = await startFakeWechat()
  const config = loadConfig({
    NODE_ENV: 'test',
    STATIC_DIR: '',
    ANJU_DEV_LOGIN: 'true',
    WECHAT_APPID: wechat.appId,
    WECHAT_SECRET: wechat.secret,
    WECHAT_API_BASE: wechat.url,
    LOG_LEVEL: 'silent',
    ...env,
  })
  config.database = database.config
  const app = createApp(config, { db: database.db, logger: logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), clock })
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  // Longer than any test's pause between requests, so a client never reuses a socket the server is closing.
  server.keepAliveTimeout = 65_000
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // The port is known only now: absolute URLs (photo links, Open311) point at this server unless a test says otherwise.
  if (!env.PUBLIC_BASE_URL) config.publicBaseUrl = url
  return {
    url, app, database, config, wechat,
    http: createHttpClient(url),
    make: factories(database.db, config),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections?.()
      await wechat.close()
      if (!sharing) await database.drop()
    },
  }
}
