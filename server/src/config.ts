import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The development secret; production refuses to start with it. */
export const DEFAULT_JWT_SECRET = 'anju-development-secret-change-me'
/** The development key for checkpoint QR codes; production refuses to start with it. */
export const DEFAULT_PATROL_TOKEN_SECRET = 'anju-development-patrol-secret-change-me'
/** The development key for signed photo links; production refuses to start with it. */
export const DEFAULT_UPLOAD_URL_SECRET = 'anju-development-upload-url-secret-change-me'

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1')

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => !v || v.startsWith('sqlite:') || v.startsWith('mysql://'), {
      message: 'DATABASE_URL must be sqlite:<path> or mysql://…',
    }),
  JWT_SECRET: z.string().default(DEFAULT_JWT_SECRET),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(2 * 60 * 60),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(30 * 24 * 60 * 60),
  WECHAT_APPID: z.string().default(''),
  WECHAT_SECRET: z.string().default(''),
  WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
  ANJU_DEV_LOGIN: booleanFlag,
  STATIC_DIR: z.string().optional(),
  CONSOLE_DIR: z.string().optional(),
  REDEMPTION_PICKUP_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  PATROL_TOKEN_SECRET: z.string().default(DEFAULT_PATROL_TOKEN_SECRET),
  PATROL_MAX_SPEED_KMH: z.coerce.number().min(5).max(60).default(25),
  PATROL_MIN_DURATION_MINUTES: z.coerce.number().int().min(0).max(600).default(20),
  PATROL_MIN_CHECKPOINT_SHARE: z.coerce.number().min(0).max(1).default(0.6),
  PATROL_DAILY_REWARD_CAP: z.coerce.number().int().min(0).max(50).default(2),
  PATROL_STALE_HOURS: z.coerce.number().min(1).max(72).default(6),
  UPLOAD_DIR: z.string().optional(),
  UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  REPORTS_PER_HOUR: z.coerce.number().int().positive().default(10),
  REPORTS_PER_DAY: z.coerce.number().int().positive().default(30),
  CONTENT_BLOCKED_WORDS: z.string().default(''),
  GRID_PLATFORM_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  GRID_PLATFORM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
  GRID_PLATFORM_BACKOFF_MS: z.coerce.number().int().positive().default(30_000),
  OPEN311_API_KEYS: z.string().default(''),
  OPEN311_JURISDICTION: z.string().default('xiangtan.anju.cn'),
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/, message: 'PUBLIC_BASE_URL must be an http(s) URL such as https://anju.example.cn' })
    .optional(),
  TRUST_PROXY: booleanFlag,
  UPLOAD_URL_SECRET: z.string().default(DEFAULT_UPLOAD_URL_SECRET),
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(24 * 60 * 60).default(15 * 60),
  PATROL_TRACK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  UPLOAD_ORIGINAL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

export type DatabaseConfig =
  | { client: 'sqlite'; filename: string }
  | { client: 'mysql'; url: string }

export interface Config {
  env: 'development' | 'test' | 'production'
  port: number
  host: string
  database: DatabaseConfig
  jwt: { secret: string; accessTtlSeconds: number; refreshTtlSeconds: number }
  wechat: { appId: string; secret: string; apiBase: string }
  devLogin: boolean
  /** Folder with the h5 build served at /, or null to serve only the API. */
  staticDir: string | null
  /** Folder with the governance console's build served at /console/, or null. */
  consoleDir: string | null
  logLevel: string
  /** Reports, photos and forwarding to external grid platforms. */
  gridLoop: {
    uploadDir: string
    uploadMaxBytes: number
    reportsPerHour: number
    reportsPerDay: number
    /** Extra words the local content check refuses, on top of the built-in list. */
    blockedWords: string[]
    platformTimeoutMs: number
    platformMaxAttempts: number
    platformBackoffMs: number
  }
  /** Open311 GeoReport v2: keys accepted besides the ones an admin issues, and our jurisdiction_id. */
  open311: { apiKeys: string[]; jurisdiction: string }
  /**
   * Where the service is reached from outside (scheme, host and any path prefix, no trailing slash): every
   * absolute URL we hand out is built from it, never from a request's Host or Origin.
   */
  publicBaseUrl: string
  /** Whether X-Forwarded-For / -Proto / -Host are believed (only behind a proxy that sets them). */
  trustProxy: boolean
  /** Signed photo links: the HMAC key and how long a link works. */
  uploadLinks: { secret: string; ttlSeconds: number }
  /** How long personal data is kept before the retention jobs remove it. */
  retention: { patrolTrackDays: number; uploadOriginalDays: number }
  /** Days a reserved reward waits for pickup before it expires and refunds. */
  redemptionPickupDays: number
  /** Volunteer patrols: the QR signing key and the judgement's limits. */
  patrol: {
    tokenSecret: string
    maxSpeedKmh: number
    minDurationMinutes: number
    minCheckpointShare: number
    dailyRewardCap: number
    /** Patrols still running this long after their start are closed and judged by the worker. */
    staleHours: number
  }
}

export class ConfigError extends Error {}

export function parseDatabaseUrl(url: string | undefined): DatabaseConfig {
  if (!url) return { client: 'sqlite', filename: path.join(REPO_ROOT, 'data', 'anju.db') }
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '')
    if (!file) throw new ConfigError('DATABASE_URL sqlite: needs a file path')
    return { client: 'sqlite', filename: file === ':memory:' ? file : path.resolve(file) }
  }
  return { client: 'mysql', url }
}

/** Reads and validates configuration; throws ConfigError with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`)
  }
  const e = parsed.data
  const problems: string[] = []
  if (e.NODE_ENV === 'production') {
    if (!env.JWT_SECRET || e.JWT_SECRET === DEFAULT_JWT_SECRET || e.JWT_SECRET.length < 32) {
      problems.push('JWT_SECRET must be set to a random value of at least 32 characters in production')
    }
    if (!e.WECHAT_APPID || !e.WECHAT_SECRET) {
      problems.push('WECHAT_APPID and WECHAT_SECRET must be set in production')
    }
    if (!env.PATROL_TOKEN_SECRET || e.PATROL_TOKEN_SECRET === DEFAULT_PATROL_TOKEN_SECRET || e.PATROL_TOKEN_SECRET.length < 32) {
      problems.push('PATROL_TOKEN_SECRET must be set to a random value of at least 32 characters in production')
    }
    if (e.ANJU_DEV_LOGIN) problems.push('ANJU_DEV_LOGIN cannot be enabled in production')
    if (!env.UPLOAD_URL_SECRET || e.UPLOAD_URL_SECRET === DEFAULT_UPLOAD_URL_SECRET || e.UPLOAD_URL_SECRET.length < 32) {
      problems.push('UPLOAD_URL_SECRET must be set to a random value of at least 32 characters in production')
    }
    if (!e.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL must be set in production (e.g. https://anju.example.cn)')
  }
  if (problems.length) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`)

  const defaultStatic = path.join(REPO_ROOT, 'miniapp', 'dist', 'h5')
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: parseDatabaseUrl(e.DATABASE_URL),
    jwt: {
      secret: e.JWT_SECRET,
      accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    },
    wechat: { appId: e.WECHAT_APPID, secret: e.WECHAT_SECRET, apiBase: e.WECHAT_API_BASE.replace(/\/$/, '') },
    devLogin: e.ANJU_DEV_LOGIN && e.NODE_ENV !== 'production',
    staticDir: e.STATIC_DIR === '' ? null : (e.STATIC_DIR ?? defaultStatic),
    consoleDir: e.CONSOLE_DIR === '' ? null : (e.CONSOLE_DIR ?? path.join(REPO_ROOT, 'console', 'dist')),
    logLevel: e.LOG_LEVEL,
    gridLoop: {
      uploadDir: path.resolve(e.UPLOAD_DIR ?? path.join(REPO_ROOT, 'data', 'uploads')),
      uploadMaxBytes: e.UPLOAD_MAX_BYTES,
      reportsPerHour: e.REPORTS_PER_HOUR,
      reportsPerDay: e.REPORTS_PER_DAY,
      blockedWords: e.CONTENT_BLOCKED_WORDS.split(',').map((w) => w.trim()).filter(Boolean),
      platformTimeoutMs: e.GRID_PLATFORM_TIMEOUT_MS,
      platformMaxAttempts: e.GRID_PLATFORM_MAX_ATTEMPTS,
      platformBackoffMs: e.GRID_PLATFORM_BACKOFF_MS,
    },
    open311: {
      apiKeys: e.OPEN311_API_KEYS.split(',').map((k) => k.trim()).filter(Boolean),
      jurisdiction: e.OPEN311_JURISDICTION,
    },
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    trustProxy: e.TRUST_PROXY,
    uploadLinks: { secret: e.UPLOAD_URL_SECRET, ttlSeconds: e.UPLOAD_URL_TTL_SECONDS },
    retention: { patrolTrackDays: e.PATROL_TRACK_RETENTION_DAYS, uploadOriginalDays: e.UPLOAD_ORIGINAL_RETENTION_DAYS },
    redemptionPickupDays: e.REDEMPTION_PICKUP_DAYS,
    patrol: {
      tokenSecret: e.PATROL_TOKEN_SECRET,
      maxSpeedKmh: e.PATROL_MAX_SPEED_KMH,
      minDurationMinutes: e.PATROL_MIN_DURATION_MINUTES,
      minCheckpointShare: e.PATROL_MIN_CHECKPOINT_SHARE,
      dailyRewardCap: e.PATROL_DAILY_REWARD_CAP,
      staleHours: e.PATROL_STALE_HOURS,
    },
  }
}
