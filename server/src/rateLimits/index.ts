import type { Config } from '../config'
import type { Db } from '../db/knex'
import { createLimiterStore, type LimiterStore } from './limiters'
import { loginThrottle, type LoginThrottle } from './login'
import { uploadLimits, type UploadLimits } from './uploads'

export { enforceReportRateLimit } from './reports'

/** The service's abuse limits, sharing one store (Redis, or the database). */
export interface RateLimits {
  login: LoginThrottle
  uploads: UploadLimits
  close(): Promise<void>
}

export function createRateLimits(config: Config, db: Db, store: LimiterStore = createLimiterStore(config, db)): RateLimits {
  return {
    login: loginThrottle(store, config.limits.login),
    uploads: uploadLimits(store, config.limits.uploads),
    close: () => store.close(),
  }
}
