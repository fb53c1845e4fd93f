import type Koa from 'koa'
import type { Logger } from 'pino'
import type { Config } from './config'
import type { Db } from './db/knex'
import type { Clock } from './lib/clock'
import type { WechatClient } from './integrations/wechat'
import type { ContentChecker } from './integrations/contentCheck'
import type { FileStore } from './integrations/fileStore'
import type { Metrics } from './metrics'
import type { PhotoLinks } from './lib/photoLinks'
import type { Actor } from './policies'
import type { UserRow } from './repositories/users'
import type { IdempotentRequest } from './middleware/idempotency'
import type { RateLimits } from './rateLimits'

/** Long-lived parts of the app, shared by every request. */
export interface Services {
  config: Config
  db: Db
  logger: Logger
  wechat: WechatClient
  /** Uploaded photos (local disk unless another store is configured). */
  files: FileStore
  /** Signed, short-lived links to photos for the viewers an answer is for. */
  photoLinks: PhotoLinks
  contentCheck: ContentChecker
  /** The time rules are judged by: the system clock, or one a test moves. */
  clock: Clock
  /** Login throttle and upload limits, shared by every process of the deployment. */
  limits: RateLimits
  /** Prometheus metrics (GET /metrics). */
  metrics: Metrics
}

/** What middleware hands on to routes. */
export interface AppState {
  requestId: string
  log: Logger
  actor?: Actor
  /** The actor's users row, read with the actor (once per request). */
  user?: UserRow
  /** Why a presented bearer token was refused; thrown only by routes that need a login. */
  authError?: Error
  idempotency?: IdempotentRequest
}

export interface AppContextExtras {
  services: Services
}

export type AppContext = Koa.ParameterizedContext<AppState, AppContextExtras>
export type AppMiddleware = Koa.Middleware<AppState, AppContextExtras>
