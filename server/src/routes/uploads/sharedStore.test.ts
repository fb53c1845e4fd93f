import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepUploads, UNATTACHED_UPLOAD_TTL_MS } from '../../jobs/sweepUploads'
import { fileReport, jpegWithGps, uploadPhoto } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'
import { startTestUploadStore, type TestUploadStore } from '../../testing/uploadStores'

/** Fetches a photo link through the given instance (links name the instance they were issued by). */
async function fetchThrough(s: TestServer, link: string, token?: string) {
  const url = new URL(link, s.url)
  const res = await fetch(`${s.url}${url.pathname}${url.search}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), retryAfter: res.headers.get('retry-after') }
}

/** The API nodes of a cluster: several instances of the service on one database, each with its own upload store configuration. */
describe.each(testDatabaseKinds())('API instances sharing one database on %s', (kind) => {
  let bucket: TestUploadStore
  let ownDir: TestUploadStore
  let first: TestServer
  let second: TestServer
  let separate: TestServer

  beforeAll(async () => {
    bucket = await startTestUploadStore('s3')
    ownDir = await startTestUploadStore('local')
    first = await startTestServer(kind, { env: bucket.env })
    second = await startTestServer(kind, { env: bucket.env, sharing: first })
    // An instance with a directory of its own, as each machine of a cluster would have without a shared store.
    separate = await startTestServer(kind, { env: ownDir.env, sharing: first })
  })
  afterAll(async () => {
    await separate?.close()
    await second?.close()
    await first?.close()
    await bucket?.close()
    await ownDir?.close()
  })

  it('serves a photo stored through one instance from another on the same bucket, and only there', async () => {
    const resident = await first.http.residentToken()
    const up = await uploadPhoto(first, resident, await jpegWithGps())
    expect(up.status).toBe(201)

    const fromFirst = await fetchThrough(first, up.body.url)
    const fromSecond = await fetchThrough(second, up.body.url)
    expect(fromFirst.status).toBe(200)
    expect(fromSecond.status).toBe(200)
    expect(fromSecond.bytes.equals(fromFirst.bytes)).toBe(true)
    expect((await sharp(fromSecond.bytes).metadata()).exif).toBeUndefined()
    expect((await fetchThrough(separate, up.body.url)).status).toBe(404)

    // Filed through the second instance; the centre reads the original, EXIF and all, through it.
    const filed = await fileReport(second, resident, { photoIds: [up.body.id] })
    expect(filed.status).toBe(201)
    const centre = await second.http.staffToken('centre')
    const original = await fetchThrough(second, `/api/files/${up.body.id}/original`, centre)
    expect(original.status).toBe(200)
    expect((await sharp(original.bytes).metadata()).exif).toBeDefined()
  })

  it('lets a worker on another instance sweep what one instance stored', async () => {
    const resident = await first.http.residentToken()
    const abandoned = (await uploadPhoto(first, resident, await jpegWithGps())).body
    const row = await first.database.db('uploads').where({ id: abandoned.id }).first()
    expect(await first.app.services.files.get(row.original_key)).not.toBeNull()

    const tomorrow = new Date(Date.now() + UNATTACHED_UPLOAD_TTL_MS + 60_000)
    expect((await sweepUploads(second.app.services, tomorrow)).processed).toBeGreaterThanOrEqual(1)
    expect(await first.app.services.files.get(row.original_key)).toBeNull()
    expect(await first.app.services.files.get(row.public_key)).toBeNull()
    expect((await fetchThrough(first, abandoned.url)).status).toBe(404)
  })
})

describe('photos while the S3 store is out of reach', () => {
  let bucket: TestUploadStore
  let s: TestServer
  beforeAll(async () => {
    bucket = await startTestUploadStore('s3')
    s = await startTestServer('sqlite', { env: bucket.env })
  })
  afterAll(async () => {
    await s?.close()
    await bucket?.close()
  })

  it('answers 503 with Retry-After, so the phone sends the photo again, and records nothing', async () => {
    const resident = await s.http.residentToken()
    const stored = (await uploadPhoto(s, resident, await jpegWithGps())).body
    const uploads = async () => Number((await s.database.db('uploads').count({ n: '*' }).first())!.n)
    const before = await uploads()

    await bucket.close()
    const refused = await uploadPhoto(s, resident, await jpegWithGps())
    expect(refused.status).toBe(503)
    expect(refused.body.error).toEqual({ code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试', details: { retryAfterSeconds: 2 } })
    expect(await uploads()).toBe(before)
    const link = await fetchThrough(s, stored.url)
    expect(link.status).toBe(503)
    expect(link.retryAfter).toBe('2')
  })
})
