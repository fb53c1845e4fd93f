import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { AwsClient } from 'aws4fetch'
import { ConfigError, type UploadStoreConfig } from '../config'

/**
 * Where uploaded bytes live: a local directory by default, or an S3-compatible bucket (AWS S3, Aliyun OSS,
 * Tencent COS, MinIO) that every process of a deployment shares. Keys are ours ("public/ab/abcd….jpg"), never a
 * caller's file name.
 */
export interface FileStore {
  put(key: string, bytes: Buffer): Promise<void>
  /** The bytes, or null when nothing is stored under the key. */
  get(key: string): Promise<Buffer | null>
  /** Deletes the key; deleting what is not there is not an error. */
  delete(key: string): Promise<void>
  /** Checks at start-up that the store can be used, throwing a ConfigError that says what to fix. */
  check(): Promise<void>
}

/**
 * The store could not be reached or was overloaded (network error, time-out, 5xx, 429), as opposed to refusing the
 * request: the API answers 503 and the client may send the same request again.
 */
export class FileStoreUnavailableError extends Error {}

const KEY_FORMAT = /^[a-z]+\/[a-f0-9]{2}\/[a-f0-9]{32}\.[a-z]{3,4}$/

function checkedKey(key: string): string {
  if (!KEY_FORMAT.test(key)) throw new Error(`bad file key ${key}`)
  return key
}

export function createFileStore(config: UploadStoreConfig): FileStore {
  return config.kind === 's3' ? createS3FileStore(config) : createLocalFileStore(config.dir)
}

export function createLocalFileStore(root: string): FileStore {
  const fileFor = (key: string) => path.join(root, checkedKey(key))
  return {
    async put(key, bytes) {
      const file = fileFor(key)
      await fs.mkdir(path.dirname(file), { recursive: true })
      // Write then rename, so a reader never sees half a file.
      const tmp = `${file}.${process.pid}.tmp`
      await fs.writeFile(tmp, bytes)
      await fs.rename(tmp, file)
    },
    async get(key) {
      try {
        return await fs.readFile(fileFor(key))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw err
      }
    },
    async delete(key) {
      await fs.rm(fileFor(key), { force: true })
    },
    async check() {
      try {
        await fs.mkdir(root, { recursive: true })
        await fs.access(root, fs.constants.W_OK)
      } catch (err) {
        throw new ConfigError(`UPLOAD_DIR ${root} cannot be written: ${(err as Error).message}`)
      }
    },
  }
}

/** Longest one store call (with its retries) may take before the request that needs it gives up. */
const S3_TIMEOUT_MS = 30_000
/** Retries of an answer 5xx or 429, with a short random back-off. */
const S3_RETRIES = 2

type S3StoreConfig = Extract<UploadStoreConfig, { kind: 's3' }>

/** S3's REST API (PUT, GET, DELETE and HEAD on objects and the bucket), each request signed with AWS Signature V4. */
export function createS3FileStore(config: S3StoreConfig, { timeoutMs = S3_TIMEOUT_MS }: { timeoutMs?: number } = {}): FileStore {
  const client = new AwsClient({
    accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, service: 's3', region: config.region, retries: S3_RETRIES,
  })
  const endpoint = new URL(config.endpoint)
  const bucketUrl = config.pathStyle ? `${endpoint.origin}/${config.bucket}` : `${endpoint.protocol}//${config.bucket}.${endpoint.host}`
  const where = `bucket ${config.bucket} at ${endpoint.origin}`

  async function send(method: string, url: string, init: { body?: Buffer; headers?: Record<string, string> } = {}): Promise<Response> {
    let res: Response
    try {
      res = await client.fetch(url, { method, body: init.body, headers: init.headers, signal: AbortSignal.timeout(timeoutMs) })
    } catch (err) {
      throw new FileStoreUnavailableError(`${method} ${url}: ${where} could not be reached`, { cause: err })
    }
    if (res.status >= 500 || res.status === 429) {
      await res.body?.cancel()
      throw new FileStoreUnavailableError(`${method} ${url}: ${where} answered ${res.status}`)
    }
    return res
  }
  /** An answer other than the ones the caller expects: the request was refused (credentials, permissions). */
  async function refused(method: string, url: string, res: Response): Promise<Error> {
    const text = await res.text().catch(() => '')
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1]
    return new Error(`${method} ${url}: ${where} answered ${res.status}${code ? ` ${code}` : ''}`)
  }
  const objectUrl = (key: string) => `${bucketUrl}/${checkedKey(key)}`

  return {
    async put(key, bytes) {
      const url = objectUrl(key)
      // The payload's hash is signed, so the store refuses bytes changed on the way.
      const res = await send('PUT', url, { body: bytes, headers: { 'X-Amz-Content-Sha256': createHash('sha256').update(bytes).digest('hex') } })
      if (!res.ok) throw await refused('PUT', url, res)
      await res.body?.cancel()
    },
    async get(key) {
      const url = objectUrl(key)
      const res = await send('GET', url)
      if (res.status === 404) {
        await res.body?.cancel()
        return null
      }
      if (!res.ok) throw await refused('GET', url, res)
      return Buffer.from(await res.arrayBuffer())
    },
    async delete(key) {
      const url = objectUrl(key)
      const res = await send('DELETE', url)
      if (!res.ok && res.status !== 404) throw await refused('DELETE', url, res)
      await res.body?.cancel()
    },
    async check() {
      let res: Response
      try {
        res = await send('HEAD', config.pathStyle ? bucketUrl : `${bucketUrl}/`)
      } catch (err) {
        let cause = err as Error
        while (cause.cause instanceof Error) cause = cause.cause
        throw new ConfigError(`UPLOAD_STORE: ${where} could not be reached: ${cause.message}`)
      }
      await res.body?.cancel()
      if (res.ok) return
      const region = res.headers.get('x-amz-bucket-region')
      if (region && region !== config.region) throw new ConfigError(`UPLOAD_STORE: ${where} is in region ${region}: set region=${region}`)
      if (res.status === 404) throw new ConfigError(`UPLOAD_STORE: ${where} does not exist: create it first`)
      if (res.status === 403) {
        throw new ConfigError(
          `UPLOAD_STORE: ${where} refused the access key (403): check the key and the secret, and that the key may list the bucket ` +
            'and get, put and delete its objects',
        )
      }
      throw new ConfigError(`UPLOAD_STORE: ${where} answered ${res.status}${res.status === 400 ? ' (often a wrong region: check region=)' : ''}`)
    },
  }
}
