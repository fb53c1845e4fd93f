import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { NOTIFICATION_VARIABLES, NotificationKind } from '@anju/shared'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The development secret; production refuses to start with it. */
export const DEFAULT_JWT_SECRET = 'anju-development-secret-change-me'
/** The development key for checkpoint QR codes; production refuses to start with it. */
export const DEFAULT_PATROL_TOKEN_SECRET = 'anju-development-patrol-secret-change-me'
/** The development key for signed photo links; production refuses to start with it. */
export const DEFAULT_UPLOAD_URL_SECRET = 'anju-development-upload-url-secret-change-me'
/** The development key of the ledger's hash chain and checkpoints; production refuses to start with it. */
export const DEFAULT_LEDGER_CHAIN_KEY = 'anju-development-ledger-chain-key-change-me'

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
  UPLOAD_STORE: z.string().optional(),
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
  REDIS_URL: z.string().optional().refine((v) => !v || /^rediss?:\/\//.test(v), { message: 'REDIS_URL must be redis://… or rediss://…' }),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_:.-]{0,64}$/).default('anju:'),
  LOGIN_ATTEMPTS_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_ATTEMPT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  LOGIN_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(30),
  LOGIN_LOCK_AFTER_FAILURES: z.coerce.number().int().min(1).max(1000).default(10),
  UPLOADS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(60),
  UPLOAD_QUOTA_MB_PER_DAY: z.coerce.number().int().min(1).max(100_000).default(200),
  COMMUNITY_CHANGE_COOLDOWN_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  COMMUNITY_REWARD_MIN_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/, message: 'PUBLIC_BASE_URL must be an http(s) URL such as https://anju.example.cn' })
    .optional(),
  TRUST_PROXY: booleanFlag,
  UPLOAD_URL_SECRET: z.string().default(DEFAULT_UPLOAD_URL_SECRET),
  LEDGER_CHAIN_KEY: z.string().min(1).default(DEFAULT_LEDGER_CHAIN_KEY),
  LEDGER_CHECKPOINT_FILE: z.string().optional(),
  /** How often the worker verifies the ledger and appends a checkpoint; 0 leaves it to `ledger:checkpoint`. */
  LEDGER_CHECKPOINT_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(60),
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(24 * 60 * 60).default(15 * 60),
  PATROL_TRACK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  UPLOAD_ORIGINAL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  IDEMPOTENCY_RETENTION_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24),
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
    /** Where uploaded photos live: a local directory, or an S3-compatible bucket every process shares. */
    uploadStore: UploadStoreConfig
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
  /**
   * Where the service is reached from outside (scheme, host and any path prefix, no trailing slash): every
   * absolute URL we hand out is built from it, never from a request's Host or Origin.
   */
  publicBaseUrl: string
  /** Whether X-Forwarded-For / -Proto / -Host are believed (only behind a proxy that sets them). */
  trustProxy: boolean
  /** Signed photo links: the HMAC key and how long a link works. */
  uploadLinks: { secret: string; ttlSeconds: number }
  /**
   * The ledger's HMAC key (hash chain and checkpoints), the file checkpoints are appended to, and how often the
   * worker appends one (minutes; 0: never, only `ledger:checkpoint`).
   */
  ledger: { chainKey: string; checkpointFile: string; checkpointMinutes: number }
  /** How long personal data is kept before the retention jobs remove it. */
  retention: { patrolTrackDays: number; uploadOriginalDays: number; idempotencyHours: number }
  /** Days a reserved reward waits for pickup before it expires and refunds. */
  redemptionPickupDays: number
  /**
   * Abuse limits. Counters live in the database (table rate_limits), or in Redis when `redisUrl` is set, so
   * every process of a deployment shares them.
   */
  limits: {
    redisUrl: string | null
    /** Put before every key in Redis, so deployments (or test runs) sharing a Redis keep apart. */
    redisPrefix: string
    login: {
      /** Password attempts per account (username) per window; a success starts the count again. */
      attemptsPerAccount: number
      windowSeconds: number
      /** Password attempts per client address per hour; successes are given back. */
      attemptsPerIp: number
      /** Consecutive wrong passwords that lock the account until an administrator unlocks it. */
      lockAfterFailures: number
    }
    uploads: { perHour: number; quotaBytesPerDay: number }
  }
  /** Residents moving between communities. */
  community: {
    /** Days after a move before the next; the first choice of a community is free. */
    changeCooldownDays: number
    /** Days a resident must have lived in a community since moving there before redeeming its own rewards. */
    rewardMinDays: number
  }
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

export type UploadStoreConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3'
      /** Scheme, host and port of the S3 API, e.g. https://oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000. */
      endpoint: string
      bucket: string
      region: string
      accessKeyId: string
      secretAccessKey: string
      /** Buckets addressed as endpoint/bucket/key rather than bucket.host/key. */
      pathStyle: boolean
    }

const UPLOAD_STORE_FORMAT = 'UPLOAD_STORE must look like s3://ACCESS_KEY:SECRET@host[:port]/bucket[?region=…&path_style=true] (s3+http:// for a server without TLS)'
/** S3's rule for bucket names that work in both addressing styles. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/
const S3_OPTIONS = new Set(['region', 'path_style'])

/**
 * Reads UPLOAD_STORE (empty: the local directory UPLOAD_DIR). Messages never repeat the value, which holds a secret.
 * Keys and secrets with characters a URL reserves (AWS secrets often have / and +) are written percent-encoded.
 */
export function parseUploadStore(store: string | undefined, dir: string | undefined): UploadStoreConfig {
  if (!store) return { kind: 'local', dir: path.resolve(dir ?? path.join(REPO_ROOT, 'data', 'uploads')) }
  if (dir) throw new ConfigError('UPLOAD_DIR is for the local store only: set UPLOAD_STORE or UPLOAD_DIR, not both')
  let url: URL
  try {
    url = new URL(store)
  } catch {
    throw new ConfigError(UPLOAD_STORE_FORMAT)
  }
  if (url.protocol !== 's3:' && url.protocol !== 's3+http:') throw new ConfigError(UPLOAD_STORE_FORMAT)
  if (!url.hostname) throw new ConfigError(`${UPLOAD_STORE_FORMAT}: the host is missing`)
  let accessKeyId: string, secretAccessKey: string
  try {
    accessKeyId = decodeURIComponent(url.username)
    secretAccessKey = decodeURIComponent(url.password)
  } catch {
    throw new ConfigError('UPLOAD_STORE: the access key or secret is not correctly percent-encoded')
  }
  if (!accessKeyId || !secretAccessKey) throw new ConfigError(`${UPLOAD_STORE_FORMAT}: the access key and the secret are both needed`)
  const bucket = url.pathname.replace(/^\/|\/$/g, '')
  if (!BUCKET_NAME.test(bucket)) {
    throw new ConfigError('UPLOAD_STORE: the bucket (the one path segment after the host) must be 3–63 lower-case letters, digits, dots or hyphens')
  }
  for (const name of url.searchParams.keys()) {
    if (!S3_OPTIONS.has(name)) throw new ConfigError(`UPLOAD_STORE: unknown option ${name}; the options are ${[...S3_OPTIONS].join(' and ')}`)
  }
  const region = url.searchParams.get('region') ?? 'us-east-1'
  if (!/^[a-z0-9-]{1,40}$/.test(region)) throw new ConfigError('UPLOAD_STORE: region must be a name such as cn-north-1 or oss-cn-hangzhou')
  const pathStyleOption = url.searchParams.get('path_style')
  if (pathStyleOption !== null && pathStyleOption !== 'true' && pathStyleOption !== 'false') {
    throw new ConfigError('UPLOAD_STORE: path_style must be true or false')
  }
  // An address or localhost has no subdomains for bucket.host addressing; any other host is asked the way AWS, OSS and COS want.
  const hostIsAddress = url.hostname === 'localhost' || /^[\d.]+$/.test(url.hostname) || url.hostname.startsWith('[')
  const pathStyle = pathStyleOption === null ? hostIsAddress : pathStyleOption === 'true'
  if (!pathStyle && hostIsAddress) throw new ConfigError('UPLOAD_STORE: a bucket on an IP address or localhost can only be reached with path_style=true')
  const scheme = url.protocol === 's3:' ? 'https:' : 'http:'
  return { kind: 's3', endpoint: `${scheme}//${url.host}`, bucket, region, accessKeyId, secretAccessKey, pathStyle }
}

export function parseDatabaseUrl(url: string | undefined): DatabaseConfig {
  if (!url) return { client: 'sqlite', filename: path.join(REPO_ROOT, 'data', 'anju.db') }
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '')
    if (!file) throw new ConfigError('DATABASE_URL sqlite: needs a file path')
    return { client: 'sqlite', filename: file === ':memory:' ? file : path.resolve(file) }
  }
  return { client: 'mysql', url }
}

/** The secrets still at the values published in this repository. */
export function developmentSecretsIn(config: Config): string[] {
  const defaults: string[] = []
  if (config.jwt.secret === DEFAULT_JWT_SECRET) defaults.push('JWT_SECRET')
  if (config.patrol.tokenSecret === DEFAULT_PATROL_TOKEN_SECRET) defaults.push('PATROL_TOKEN_SECRET')
  if (config.ledger.chainKey === DEFAULT_LEDGER_CHAIN_KEY) defaults.push('LEDGER_CHAIN_KEY')
  return defaults
}

/**
 * Serving with the public development secrets lets anyone mint tokens and checkpoint codes. Whatever NODE_ENV
 * says, that is allowed only for a development server, which says so by turning on the development login, or
 * for the demo (`main.ts demo`, which `npm start` runs).
 */
export function assertServableSecrets(config: Config, { demo }: { demo: boolean }): void {
  const defaults = developmentSecretsIn(config)
  if (defaults.length === 0 || demo || config.devLogin) return
  throw new ConfigError(
    `refusing to serve with the development ${defaults.join(' and ')} published in the repository:\n` +
      `  set ${defaults.join(' and ')} to random values of at least 32 characters,\n` +
      '  or, for a development server only, turn on the development login with ANJU_DEV_LOGIN=true',
  )
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
    if (!env.LEDGER_CHAIN_KEY || e.LEDGER_CHAIN_KEY === DEFAULT_LEDGER_CHAIN_KEY || e.LEDGER_CHAIN_KEY.length < 32) {
      problems.push('LEDGER_CHAIN_KEY must be set to a random value of at least 32 characters in production')
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
      uploadStore: parseUploadStore(e.UPLOAD_STORE, e.UPLOAD_DIR),
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
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    trustProxy: e.TRUST_PROXY,
    uploadLinks: { secret: e.UPLOAD_URL_SECRET, ttlSeconds: e.UPLOAD_URL_TTL_SECONDS },
    ledger: {
      chainKey: e.LEDGER_CHAIN_KEY,
      checkpointFile: e.LEDGER_CHECKPOINT_FILE || path.join(REPO_ROOT, 'data', 'ledger-checkpoints.jsonl'),
      checkpointMinutes: e.LEDGER_CHECKPOINT_INTERVAL_MINUTES,
    },
    retention: { patrolTrackDays: e.PATROL_TRACK_RETENTION_DAYS, uploadOriginalDays: e.UPLOAD_ORIGINAL_RETENTION_DAYS, idempotencyHours: e.IDEMPOTENCY_RETENTION_HOURS },
    redemptionPickupDays: e.REDEMPTION_PICKUP_DAYS,
    limits: {
      redisUrl: e.REDIS_URL || null,
      redisPrefix: e.REDIS_PREFIX,
      login: {
        attemptsPerAccount: e.LOGIN_ATTEMPTS_PER_ACCOUNT,
        windowSeconds: e.LOGIN_ATTEMPT_WINDOW_MINUTES * 60,
        attemptsPerIp: e.LOGIN_ATTEMPTS_PER_IP,
        lockAfterFailures: e.LOGIN_LOCK_AFTER_FAILURES,
      },
      uploads: { perHour: e.UPLOADS_PER_HOUR, quotaBytesPerDay: e.UPLOAD_QUOTA_MB_PER_DAY * 1024 * 1024 },
    },
    community: {
      changeCooldownDays: e.COMMUNITY_CHANGE_COOLDOWN_DAYS,
      rewardMinDays: e.COMMUNITY_REWARD_MIN_DAYS,
    },
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
