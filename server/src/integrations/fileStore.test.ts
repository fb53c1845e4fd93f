import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../config'
import { startFakeS3, type FakeS3 } from '../testing/s3'
import { startTestUploadStore, UPLOAD_STORE_KINDS, type TestUploadStore } from '../testing/uploadStores'
import { createFileStore, createLocalFileStore, FileStoreUnavailableError, type FileStore } from './fileStore'

const keyOf = (kind: 'public' | 'original' = 'public') => {
  const id = randomBytes(16).toString('hex')
  return `${kind}/${id.slice(0, 2)}/${id}.jpg`
}
const storeFor = (env: Record<string, string>) => createFileStore(loadConfig(env).gridLoop.uploadStore)
/** The error a call fails with. */
const failureOf = (call: Promise<unknown>) => call.then(() => expect.unreachable('the call succeeded'), (err: unknown) => err as Error)

describe.each(UPLOAD_STORE_KINDS)('the %s upload store', (kind) => {
  let store: TestUploadStore
  let files: FileStore
  beforeAll(async () => {
    store = await startTestUploadStore(kind)
    files = storeFor(store.env)
  })
  afterAll(() => store?.close())

  it('keeps bytes under a key until they are deleted, and answers null for what it does not hold', async () => {
    await files.check()
    const key = keyOf()
    const bytes = randomBytes(200_000)
    expect(await files.get(key)).toBeNull()
    await files.put(key, bytes)
    expect((await files.get(key))!.equals(bytes)).toBe(true)
    const replaced = randomBytes(10)
    await files.put(key, replaced)
    expect((await files.get(key))!.equals(replaced)).toBe(true)
    await files.delete(key)
    expect(await files.get(key)).toBeNull()
    await files.delete(key)
  })

  it('is shared by every process given the same configuration', async () => {
    const key = keyOf('original')
    await files.put(key, Buffer.from('from one process'))
    const another = storeFor(store.env)
    expect((await another.get(key))!.toString()).toBe('from one process')
    await another.delete(key)
    expect(await files.get(key)).toBeNull()
  })

  it('takes only keys of our own form', async () => {
    for (const key of ['../etc/passwd', 'public/ab/../../x.jpg', 'public/AB/abc.jpg', `public/ab/${'a'.repeat(32)}.jpg?x=1`]) {
      await expect(files.put(key, Buffer.from('x'))).rejects.toThrow(/bad file key/)
      await expect(files.get(key)).rejects.toThrow(/bad file key/)
      await expect(files.delete(key)).rejects.toThrow(/bad file key/)
    }
  })
})

describe('the S3 upload store refused or out of reach', () => {
  let s3: FakeS3
  let failing: http.Server
  let failingRequests = 0
  beforeAll(async () => {
    s3 = await startFakeS3()
    // An S3 endpoint that is overloaded: every request answers 503 SlowDown.
    failing = http.createServer((req, res) => {
      failingRequests++
      req.resume()
      res.writeHead(503, { 'Content-Type': 'application/xml' }).end('<Error><Code>SlowDown</Code></Error>')
    })
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    await s3?.close()
    await new Promise((resolve) => failing?.close(resolve))
  })

  it('stops the start on a wrong secret or a missing bucket, without repeating the secret', async () => {
    const wrongSecret = storeFor({ UPLOAD_STORE: s3.storeUrl({ secret: 'not-the-secret' }) })
    const refused = await failureOf(wrongSecret.check())
    expect(refused).toBeInstanceOf(ConfigError)
    expect(refused.message).toMatch(/bucket anju-test at http:\/\/127\.0\.0\.1:\d+ refused the access key \(403\)/)
    expect(refused.message).not.toContain('not-the-secret')
    // Every call is refused, and not taken for a passing outage.
    const put = await failureOf(wrongSecret.put(keyOf(), Buffer.from('x')))
    expect(put).not.toBeInstanceOf(FileStoreUnavailableError)
    expect(put.message).toMatch(/answered 403 SignatureDoesNotMatch/)
    await expect(wrongSecret.get(keyOf())).rejects.toThrow(/403/)

    const unknownKey = await failureOf(storeFor({ UPLOAD_STORE: s3.storeUrl({ accessKey: 'SOMEONE' }) }).check())
    expect(unknownKey.message).toMatch(/refused the access key \(403\)/)

    const missing = await failureOf(storeFor({ UPLOAD_STORE: s3.storeUrl({ bucket: 'no-such-bucket' }) }).check())
    expect(missing).toBeInstanceOf(ConfigError)
    expect(missing.message).toMatch(/bucket no-such-bucket at .* does not exist/)

    // Signed for another region than the bucket's.
    const wrongRegion = storeFor({ UPLOAD_STORE: s3.storeUrl({ region: 'us-east-1' }) })
    const regionRefused = await failureOf(wrongRegion.check())
    expect(regionRefused).toBeInstanceOf(ConfigError)
    expect(regionRefused.message).toMatch(/is in region cn-test-1: set region=cn-test-1/)
    expect((await failureOf(wrongRegion.put(keyOf(), Buffer.from('x')))).message).toMatch(/answered 400 AuthorizationHeaderMalformed/)
  })

  it('reports an endpoint that does not answer, or answers 5xx after retrying, as unavailable', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = http.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo
        probe.close(() => resolve(port))
      })
    })
    const nobody = storeFor({ UPLOAD_STORE: `s3+http://k:s@127.0.0.1:${closedPort}/anju` })
    await expect(nobody.check()).rejects.toThrow(new RegExp(`bucket anju at http://127.0.0.1:${closedPort} could not be reached: connect ECONNREFUSED`))
    await expect(nobody.put(keyOf(), Buffer.from('x'))).rejects.toBeInstanceOf(FileStoreUnavailableError)
    await expect(nobody.get(keyOf())).rejects.toBeInstanceOf(FileStoreUnavailableError)

    const { port } = failing.address() as AddressInfo
    const overloaded = storeFor({ UPLOAD_STORE: `s3+http://k:s@127.0.0.1:${port}/anju` })
    failingRequests = 0
    const err = await failureOf(overloaded.get(keyOf()))
    expect(err).toBeInstanceOf(FileStoreUnavailableError)
    expect(err.message).toMatch(/answered 503/)
    expect(failingRequests).toBe(3)
  })
})

describe('the local upload store', () => {
  it('stops the start when its directory cannot be made or written', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'anju-not-a-dir-')), 'file')
    fs.writeFileSync(file, '')
    const err = await failureOf(createLocalFileStore(path.join(file, 'uploads')).check())
    expect(err).toBeInstanceOf(ConfigError)
    expect(err.message).toMatch(/UPLOAD_DIR .*file\/uploads cannot be written/)
    fs.rmSync(path.dirname(file), { recursive: true })
  })
})
