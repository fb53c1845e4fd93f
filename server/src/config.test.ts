import { describe, expect, it } from 'vitest'
import { assertServableSecrets, ConfigError, DEFAULT_JWT_SECRET, DEFAULT_LEDGER_CHAIN_KEY, DEFAULT_PATROL_TOKEN_SECRET, DEFAULT_UPLOAD_URL_SECRET, loadConfig, parseDatabaseUrl, parseUploadStore } from './config'

const productionEnv = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-random-secret-that-is-long-enough-0123456789',
  WECHAT_APPID: 'wx1234',
  WECHAT_SECRET: 'secret',
  PATROL_TOKEN_SECRET: 'another-random-secret-that-is-long-enough-42',
  UPLOAD_URL_SECRET: 'a-third-random-secret-for-photo-links-0123456',
  LEDGER_CHAIN_KEY: 'a-fourth-random-key-for-the-ledger-chain-0123',
  PUBLIC_BASE_URL: 'https://anju.example.cn',
}

describe('loadConfig', () => {
  it('defaults to the embedded database under data/ and port 3000', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.database).toMatchObject({ client: 'sqlite' })
    expect(config.database.client === 'sqlite' && config.database.filename).toMatch(/data\/anju\.db$/)
    expect(config.wechat.apiBase).toBe('https://api.weixin.qq.com')
    expect(config.devLogin).toBe(false)
  })

  it('reads the database from DATABASE_URL', () => {
    expect(parseDatabaseUrl('mysql://root@127.0.0.1:3306/anju')).toEqual({ client: 'mysql', url: 'mysql://root@127.0.0.1:3306/anju' })
    expect(parseDatabaseUrl('sqlite:/tmp/x.db')).toEqual({ client: 'sqlite', filename: '/tmp/x.db' })
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x' })).toThrow(ConfigError)
  })

  it('rejects a bad port', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/)
  })

  it('refuses to start in production with a missing or default secret', () => {
    expect(() => loadConfig({ ...productionEnv, JWT_SECRET: undefined })).toThrow(/JWT_SECRET/)
    expect(() => loadConfig({ ...productionEnv, JWT_SECRET: DEFAULT_JWT_SECRET })).toThrow(/JWT_SECRET/)
    expect(() => loadConfig({ ...productionEnv, WECHAT_SECRET: '' })).toThrow(/WECHAT_SECRET/)
    expect(loadConfig(productionEnv).env).toBe('production')
  })

  it('refuses the development patrol QR key in production', () => {
    expect(() => loadConfig({ ...productionEnv, PATROL_TOKEN_SECRET: undefined })).toThrow(/PATROL_TOKEN_SECRET/)
    expect(() => loadConfig({ ...productionEnv, PATROL_TOKEN_SECRET: DEFAULT_PATROL_TOKEN_SECRET })).toThrow(/PATROL_TOKEN_SECRET/)
    expect(loadConfig({}).patrol).toMatchObject({ tokenSecret: DEFAULT_PATROL_TOKEN_SECRET, maxSpeedKmh: 25, dailyRewardCap: 2 })
  })

  it('never enables the development login in production', () => {
    expect(() => loadConfig({ ...productionEnv, ANJU_DEV_LOGIN: 'true' })).toThrow(/ANJU_DEV_LOGIN/)
    expect(loadConfig({ ANJU_DEV_LOGIN: 'true' }).devLogin).toBe(true)
  })

  it('refuses the development photo-link key and a missing public base URL in production', () => {
    expect(() => loadConfig({ ...productionEnv, UPLOAD_URL_SECRET: undefined })).toThrow(/UPLOAD_URL_SECRET/)
    expect(() => loadConfig({ ...productionEnv, UPLOAD_URL_SECRET: DEFAULT_UPLOAD_URL_SECRET })).toThrow(/UPLOAD_URL_SECRET/)
    expect(() => loadConfig({ ...productionEnv, UPLOAD_URL_SECRET: 'short' })).toThrow(/UPLOAD_URL_SECRET/)
    expect(() => loadConfig({ ...productionEnv, LEDGER_CHAIN_KEY: undefined })).toThrow(/LEDGER_CHAIN_KEY/)
    expect(() => loadConfig({ ...productionEnv, LEDGER_CHAIN_KEY: DEFAULT_LEDGER_CHAIN_KEY })).toThrow(/LEDGER_CHAIN_KEY/)
    expect(() => loadConfig({ ...productionEnv, LEDGER_CHAIN_KEY: 'short' })).toThrow(/LEDGER_CHAIN_KEY/)
    expect(loadConfig({}).ledger.chainKey).toBe(DEFAULT_LEDGER_CHAIN_KEY)
    expect(() => loadConfig({ ...productionEnv, PUBLIC_BASE_URL: undefined })).toThrow(/PUBLIC_BASE_URL/)
    expect(() => loadConfig({ ...productionEnv, PUBLIC_BASE_URL: 'javascript:alert(1)' })).toThrow(/PUBLIC_BASE_URL/)
    expect(loadConfig({ ...productionEnv, PUBLIC_BASE_URL: 'https://anju.example.cn/gov/' }).publicBaseUrl).toBe('https://anju.example.cn/gov')
  })

  it('builds absolute URLs from the local port in development, and trusts proxy headers only when told', () => {
    expect(loadConfig({ PORT: '4000' }).publicBaseUrl).toBe('http://localhost:4000')
    expect(loadConfig({}).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true)
  })

  it('keeps photos in a local directory unless UPLOAD_STORE names an S3-compatible bucket', () => {
    expect(loadConfig({}).gridLoop.uploadStore).toEqual({ kind: 'local', dir: expect.stringMatching(/data\/uploads$/) })
    expect(loadConfig({ UPLOAD_DIR: '/srv/anju/uploads' }).gridLoop.uploadStore).toEqual({ kind: 'local', dir: '/srv/anju/uploads' })
    expect(loadConfig({ UPLOAD_STORE: 's3://AKID:wJalr%2FK7%2BMDENG@oss-cn-hangzhou.aliyuncs.com/anju-photos?region=oss-cn-hangzhou' }).gridLoop.uploadStore).toEqual({
      kind: 's3', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', bucket: 'anju-photos', region: 'oss-cn-hangzhou',
      accessKeyId: 'AKID', secretAccessKey: 'wJalr/K7+MDENG', pathStyle: false,
    })
    // An address or localhost is asked path-style; a plain-HTTP server is named s3+http.
    expect(parseUploadStore('s3+http://minio:minio-secret@127.0.0.1:9000/anju', undefined)).toEqual({
      kind: 's3', endpoint: 'http://127.0.0.1:9000', bucket: 'anju', region: 'us-east-1', accessKeyId: 'minio', secretAccessKey: 'minio-secret', pathStyle: true,
    })
    expect(parseUploadStore('s3://k:s@minio.internal:9000/anju?path_style=true', undefined)).toMatchObject({ endpoint: 'https://minio.internal:9000', pathStyle: true })
  })

  it('refuses an upload store it cannot use, saying what is wrong and never repeating the secret', () => {
    const refusals: [string, RegExp][] = [
      ['https://k:s@s3.amazonaws.com/anju', /s3:\/\/ACCESS_KEY:SECRET@host/],
      ['s3://s3.amazonaws.com/anju', /access key and the secret are both needed/],
      ['s3://k@s3.amazonaws.com/anju', /access key and the secret are both needed/],
      ['s3://k:s@s3.amazonaws.com/', /bucket/],
      ['s3://k:s@s3.amazonaws.com/Anju_Photos', /bucket/],
      ['s3://k:s@s3.amazonaws.com/anju/photos', /bucket/],
      ['s3://k:s@s3.amazonaws.com/anju?regoin=cn-north-1', /unknown option regoin/],
      ['s3://k:s@s3.amazonaws.com/anju?region=China North', /region/],
      ['s3://k:s@s3.amazonaws.com/anju?path_style=yes', /path_style must be true or false/],
      ['s3+http://k:s@127.0.0.1:9000/anju?path_style=false', /IP address or localhost.*path_style=true/],
      ['s3://k:s%ZZ@s3.amazonaws.com/anju', /percent-encoded/],
    ]
    for (const [store, message] of refusals) {
      expect(() => loadConfig({ UPLOAD_STORE: store }), store).toThrow(ConfigError)
      expect(() => loadConfig({ UPLOAD_STORE: store }), store).toThrow(message)
    }
    try {
      loadConfig({ UPLOAD_STORE: 's3://AKID:very-secret-value@s3.amazonaws.com/x' })
      expect.unreachable()
    } catch (err) {
      expect((err as Error).message).toMatch(/bucket/)
      expect((err as Error).message).not.toContain('very-secret-value')
    }
    expect(() => loadConfig({ UPLOAD_STORE: 's3://k:s@s3.amazonaws.com/anju', UPLOAD_DIR: '/srv/uploads' })).toThrow(/UPLOAD_STORE or UPLOAD_DIR, not both/)
  })

  it('keeps tracks 180 days and photo originals 90 days unless configured', () => {
    expect(loadConfig({}).retention).toEqual({ patrolTrackDays: 180, uploadOriginalDays: 90, idempotencyHours: 24 })
    expect(loadConfig({ PATROL_TRACK_RETENTION_DAYS: '30', UPLOAD_ORIGINAL_RETENTION_DAYS: '7' }).retention).toEqual({ patrolTrackDays: 30, uploadOriginalDays: 7, idempotencyHours: 24 })
    expect(() => loadConfig({ PATROL_TRACK_RETENTION_DAYS: '0' })).toThrow(/PATROL_TRACK_RETENTION_DAYS/)
  })
})

describe('assertServableSecrets', () => {
  it('refuses the published development secrets unless the development login or the demo is on', () => {
    expect(() => assertServableSecrets(loadConfig({}), { demo: false })).toThrow(/JWT_SECRET and PATROL_TOKEN_SECRET and LEDGER_CHAIN_KEY/)
    expect(() => assertServableSecrets(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) }), { demo: false })).toThrow(/PATROL_TOKEN_SECRET/)
    expect(() => assertServableSecrets(loadConfig({ ANJU_DEV_LOGIN: 'true' }), { demo: false })).not.toThrow()
    expect(() => assertServableSecrets(loadConfig({}), { demo: true })).not.toThrow()
    expect(() => assertServableSecrets(loadConfig(productionEnv), { demo: false })).not.toThrow()
  })
})
