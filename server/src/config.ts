import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { NOTIFICATION_VARIABLES, NotificationKind } from '@anju/shared'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The development secret; production refuses to start with it. */
export const DEFAULT_JWT_SECRET = 'anju-development-secret-change-me'
/** The development key for checkpoint QR codes; production refuses to start with it. */
export const DEFAULT_PATROL_TOKEN_SECRET = 'anju-development-patrol-secret-change-me'

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
  OUTBOX_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  WECHAT_SUBSCRIBE_TEMPLATES: z.string().default(''),
  WECHAT_MINIPROGRAM_STATE: z.enum(['formal', 'trial', 'developer']).default('formal'),
  WECHAT_SEND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(6),
  WECHAT_SEND_BACKOFF_MS: z.coerce.number().int().positive().default(10_000),
  REDEMPTION_EXPIRING_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
  METRICS_TOKEN: z.string().default(''),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  OPEN311_API_KEYS: z.string().default(''),
  OPEN311_JURISDICTION: z.string().default('xiangtan.anju.cn'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

/** A subscribe-message template for one kind of notice: its id and how its fields are filled. */
const SubscribeTemplate = z.object({
  templateId: z.string().min(1).max(64),
  /** WeChat field key (thing1, character_string2, time3, phrase4…) → text with {variable} placeholders. */
  data: z.record(z.string().regex(/^[a-z_]+\d+$/, 'field keys look like thing1 or character_string2'), z.string().min(1).max(200)),
})
export type SubscribeTemplate = z.infer<typeof SubscribeTemplate>
export type SubscribeTemplates = Partial<Record<NotificationKind, SubscribeTemplate>>

/** Parses WECHAT_SUBSCRIBE_TEMPLATES; every placeholder must be a value the kind offers. */
export function parseSubscribeTemplates(text: string): SubscribeTemplates {
  if (!text.trim()) return {}
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new ConfigError('WECHAT_SUBSCRIBE_TEMPLATES must be JSON: {"case_accepted": {"templateId": "…", "data": {"thing1": "{category}"}}}')
  }
  const parsed = z.partialRecord(NotificationKind, SubscribeTemplate).safeParse(json)
  if (!parsed.success) {
    throw new ConfigError(`WECHAT_SUBSCRIBE_TEMPLATES: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  }
  for (const [kind, template] of Object.entries(parsed.data) as [NotificationKind, SubscribeTemplate][]) {
    const known = new Set(['title', 'time', ...NOTIFICATION_VARIABLES[kind]])
    for (const [key, text] of Object.entries(template.data)) {
      for (const [, name] of text.matchAll(/\{(\w+)\}/g)) {
        if (!known.has(name!)) throw new ConfigError(`WECHAT_SUBSCRIBE_TEMPLATES: ${kind}.data.${key} uses {${name}}; ${kind} offers ${[...known].join(', ')}`)
      }
    }
  }
  return parsed.data
}

export type DatabaseConfig =
  | { client: 'sqlite'; filename: string }
  | { client: 'mysql'; url: string }

export interface Config {
  env: 'development' | 'test' | 'production'
  port: number
  host: string
  database: DatabaseConfig
  jwt: { secret: string; accessTtlSeconds: number; refreshTtlSeconds: number }
  wechat: {
    appId: string
    secret: string
    apiBase: string
    /** Subscribe-message templates per kind of notice; kinds without one go to the in-app inbox only. */
    subscribeTemplates: SubscribeTemplates
    miniprogramState: 'formal' | 'trial' | 'developer'
    sendMaxAttempts: number
    sendBackoffMs: number
  }
  /** Notify a resident this many hours before an unclaimed reward's pickup window closes. */
  redemptionExpiringHours: number
  /** When set, GET /metrics also answers non-loopback callers that present it as a bearer token. */
  metricsToken: string
  /** `main.ts worker` serves its own /metrics on 127.0.0.1 at this port; 0 for none. */
  workerMetricsPort: number
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
    /** How often a worker looks for due outbox streams. */
    outboxIntervalMs: number
  }
  /** Open311 GeoReport v2: keys accepted besides the ones an admin issues, and our jurisdiction_id. */
  open311: { apiKeys: string[]; jurisdiction: string }
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
    wechat: {
      appId: e.WECHAT_APPID, secret: e.WECHAT_SECRET, apiBase: e.WECHAT_API_BASE.replace(/\/$/, ''),
      subscribeTemplates: parseSubscribeTemplates(e.WECHAT_SUBSCRIBE_TEMPLATES),
      miniprogramState: e.WECHAT_MINIPROGRAM_STATE,
      sendMaxAttempts: e.WECHAT_SEND_MAX_ATTEMPTS,
      sendBackoffMs: e.WECHAT_SEND_BACKOFF_MS,
    },
    redemptionExpiringHours: e.REDEMPTION_EXPIRING_HOURS,
    metricsToken: e.METRICS_TOKEN,
    workerMetricsPort: e.WORKER_METRICS_PORT,
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
      outboxIntervalMs: e.OUTBOX_INTERVAL_MS,
    },
    open311: {
      apiKeys: e.OPEN311_API_KEYS.split(',').map((k) => k.trim()).filter(Boolean),
      jurisdiction: e.OPEN311_JURISDICTION,
    },
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
