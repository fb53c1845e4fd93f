import Router from '@koa/router'
import Koa from 'koa'
import type { Logger } from 'pino'
import type { Config } from './config'
import type { AppContextExtras, AppState, Services } from './context'
import { createDb, type Db } from './db/knex'
import { errors } from './errors'
import { createWechatClient, type WechatClient } from './integrations/wechat'
import { createContentChecker } from './integrations/contentCheck'
import { createFileStore } from './integrations/fileStore'
import { systemClock, type Clock } from './lib/clock'
import { createPhotoLinks } from './lib/photoLinks'
import { createLogger } from './logger'
import { createMetrics } from './metrics'
import { authenticate } from './middleware/authenticate'
import { jsonBody } from './middleware/bodyLimits'
import { errorHandler } from './middleware/errors'
import { consoleStatic } from './middleware/consoleStatic'
import { h5Static } from './middleware/h5Static'
import { idempotency } from './middleware/idempotency'
import { requestContext } from './middleware/requestContext'
import { createRateLimits } from './rateLimits'
import { accountRoutes } from './routes/accounts'
import { securityHeaders } from './middleware/securityHeaders'
import { authRoutes } from './routes/auth'
import { caseRoutes } from './routes/cases'
import { consoleRoutes } from './routes/console'
import { safetyIndexRoutes } from './routes/console/safetyIndex'
import { staffAccountRoutes } from './routes/staffAccounts'
import { consoleAdminRoutes } from './routes/console/admin'
import { gridPlatformRoutes } from './routes/gridPlatforms'
import { open311Gateway, open311Routes } from './routes/open311'
import { uploadRoutes } from './routes/uploads'
import { awardRoutes } from './routes/awards'
import { mallRoutes } from './routes/mall'
import { pointsRoutes } from './routes/points'
import { patrolRoutes } from './routes/patrols'
import { notificationRoutes } from './routes/notifications'
import { regionRoutes } from './routes/regions'
import { systemRoutes } from './routes/system'
import { userRoutes } from './routes/users'
import { setLedgerChainKey } from './ledger'

export type AnjuApp = Koa<AppState, AppContextExtras> & { services: Services; close(): Promise<void> }

const API_PREFIXES = ['/api/', '/healthz', '/readyz', '/open311/', '/metrics']

/** Builds the app without listening. Pass `db` to share a connection (tests); otherwise one is opened. */
export function createApp(
  config: Config,
  overrides: { db?: Db; logger?: Logger; wechat?: WechatClient; clock?: Clock } = {},
): AnjuApp {
  const logger = overrides.logger ?? createLogger(config.logLevel)
  setLedgerChainKey(config.ledger.chainKey)
  const db = overrides.db ?? createDb(config.database)
  const wechat = overrides.wechat ?? createWechatClient(config.wechat)
  const services: Services = {
    config, db, logger, wechat,
    files: createFileStore(config.gridLoop.uploadStore),
    photoLinks: createPhotoLinks(config),
    contentCheck: createContentChecker(config, logger),
    clock: overrides.clock ?? systemClock,
    limits: createRateLimits(config, db),
    metrics: createMetrics(db),
  }

  // X-Forwarded-* are believed only behind a proxy that sets them (TRUST_PROXY); otherwise anyone could forge them.
  const app = new Koa<AppState, AppContextExtras>({ proxy: config.trustProxy }) as AnjuApp
  app.context.services = services
  app.services = services
  app.close = async () => {
    await services.limits.close()
    if (!overrides.db) await db.destroy()
  }
  app.silent = true

  const router = new Router<AppState, AppContextExtras>()
  systemRoutes(router)
  authRoutes(router)
  accountRoutes(router)
  userRoutes(router)
  regionRoutes(router)
  caseRoutes(router)
  uploadRoutes(router)
  gridPlatformRoutes(router)
  open311Routes(router)
  patrolRoutes(router)
  pointsRoutes(router)
  awardRoutes(router)
  mallRoutes(router)
  consoleRoutes(router)
  safetyIndexRoutes(router)
  staffAccountRoutes(router)
  consoleAdminRoutes(router)
  notificationRoutes(router)

  app.use(requestContext())
  app.use(securityHeaders(config))
  app.use(errorHandler())
  if (config.consoleDir) app.use(consoleStatic(config.consoleDir))
  if (config.staticDir) {
    const staticFiles = h5Static(config.staticDir)
    app.use(async function h5App(ctx, next) {
      if (API_PREFIXES.some((p) => ctx.path.startsWith(p))) return next()
      return staticFiles(ctx as never, next)
    })
  }
  app.use(jsonBody())
  app.use(async function notFound(ctx, next) {
    await next()
    if (ctx.status === 404 && ctx.body == null) throw errors.routeNotFound()
  })
  app.use(authenticate())
  app.use(open311Gateway())
  app.use(idempotency())
  app.use(router.routes())
  app.use(router.allowedMethods({ throw: true }))
  return app
}
