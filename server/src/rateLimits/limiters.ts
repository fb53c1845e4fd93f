import { Redis } from 'ioredis'
import {
  RateLimiterMySQL, RateLimiterRedis, RateLimiterRes, RateLimiterSQLite, type RateLimiterAbstract,
} from 'rate-limiter-flexible'
import type { Config } from '../config'
import { dbClientOf, type Db } from '../db/knex'
import { isRetryableDbError } from '../db/transaction'
import { errors } from '../errors'

/** The table rate-limiter-flexible keeps its counters in on SQLite and MySQL (migration 20261126_14x_001). */
export const RATE_LIMIT_TABLE = 'rate_limits'

export interface LimitSpec {
  /** Names the counter family; keys are `<prefix>:<key>`. */
  prefix: string
  /** Points a key may consume per duration. */
  points: number
  durationSeconds: number
  /** Once exhausted, refuse the key this long (by default, until the window ends). */
  blockSeconds?: number
}

/** How long a limiter waits for Redis's first connection before failing as it would later. */
const FIRST_CONNECTION_MS = 3000

/** A Redis limiter whose counting waits for the client's first connection. */
class RedisLimiter extends RateLimiterRedis {
  constructor(private readonly firstConnection: Promise<void>, opts: ConstructorParameters<typeof RateLimiterRedis>[0]) {
    super(opts)
  }

  override async consume(...args: Parameters<RateLimiterRedis['consume']>): ReturnType<RateLimiterRedis['consume']> {
    await this.firstConnection
    return super.consume(...args)
  }
}

/** Makes counters that every process of the deployment shares, in Redis or in our own database. */
export interface LimiterStore {
  limiter(spec: LimitSpec): RateLimiterAbstract
  close(): Promise<void>
}

function mysqlDatabaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''))
  if (!name) throw new Error('DATABASE_URL names no database')
  return name
}

/**
 * Redis when REDIS_URL is set; otherwise the database the service already uses (the embedded SQLite deployment
 * needs nothing else). The limiters reach the database through knex's pool, as rate-limiter-flexible's knex
 * store type does, so on SQLite they must never be used inside a transaction (the pool has one connection).
 */
export function createLimiterStore(config: Config, db: Db): LimiterStore {
  const redisUrl = config.limits.redisUrl
  if (redisUrl) {
    // No offline queue: while Redis is away a limiter fails at once (the request gets a 503) instead of hanging.
    const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
    redis.on('error', () => {})
    // Except while the first connection is still being made: a request that comes in just after start waits for it
    // (up to FIRST_CONNECTION_MS) rather than being refused by a store that was never away.
    const firstConnection = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FIRST_CONNECTION_MS)
      redis.once('ready', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    return {
      limiter: (spec) => new RedisLimiter(firstConnection, { storeClient: redis, ...options(spec), keyPrefix: `${config.limits.redisPrefix}${spec.prefix}` }),
      async close() {
        redis.disconnect()
      },
    }
  }
  if (dbClientOf(db) === 'sqlite') {
    return {
      limiter: (spec) => new RateLimiterSQLite({
        storeClient: db, storeType: 'knex', tableName: RATE_LIMIT_TABLE, tableCreated: true, clearExpiredByTimeout: false, ...options(spec),
      }),
      async close() {},
    }
  }
  const dbName = mysqlDatabaseName(config.database.client === 'mysql' ? config.database.url : '')
  return {
    limiter: (spec) => new RateLimiterMySQL({
      storeClient: db, storeType: 'knex', dbName, tableName: RATE_LIMIT_TABLE, tableCreated: true, clearExpiredByTimeout: false, ...options(spec),
    }),
    async close() {},
  }
}

function options(spec: LimitSpec) {
  return {
    keyPrefix: spec.prefix,
    points: spec.points,
    duration: spec.durationSeconds,
    blockDuration: spec.blockSeconds ?? 0,
  }
}

/** Seconds until a refused key may try again, at least 1. */
export function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000))
}

/** Attempts at counting when the store's transaction lost a conflict. */
const CONSUME_ATTEMPTS = 6

/**
 * Consumes `points` of `key`; resolves with true when allowed and false when the limit is reached. A store that
 * cannot be reached is a 503 (SERVICE_UNAVAILABLE), never a free pass.
 */
export async function tryConsume(limiter: RateLimiterAbstract, key: string, points = 1): Promise<{ allowed: true } | { allowed: false; retryAfter: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      await limiter.consume(key, points)
      return { allowed: true }
    } catch (err) {
      if (err instanceof RateLimiterRes) return { allowed: false, retryAfter: retryAfterSeconds(err) }
      // On a multi-primary cluster two nodes counting one key at once is a write-set conflict: the loser's
      // count was rolled back (error 1213), so counting again is exact.
      if (attempt < CONSUME_ATTEMPTS && isRetryableDbError(err)) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt))
        continue
      }
      throw errors.serviceUnavailable()
    }
  }
}
