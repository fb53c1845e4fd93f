import { randomBytes } from 'node:crypto'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jpegWithGps, uploadPhoto } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'
import { startTestUploadStore, withUploadStores, type TestUploadStore } from '../../testing/uploadStores'

/** A photo of noise, which JPEG cannot shrink: about `side`² × 1.5 bytes. */
function noiseJpeg(side: number) {
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 95 }).toBuffer()
}

describe.each(withUploadStores(testDatabaseKinds()))('upload limits on %s, %s store', (kind, storeKind) => {
  let s: TestServer
  let store: TestUploadStore
  beforeAll(async () => {
    store = await startTestUploadStore(storeKind)
    s = await startTestServer(kind, { env: { ...store.env, UPLOADS_PER_HOUR: '4', UPLOAD_QUOTA_MB_PER_DAY: '1' } })
  })
  afterAll(async () => {
    await s?.close()
    await store?.close()
  })

  const uploadsOf = async (userId: number) =>
    Number((await s.database.db('uploads').where({ owner_id: userId }).count({ n: '*' }).first())!.n)

  it('takes exactly the hourly number of uploads from one account, however many arrive at once', async () => {
    const resident = await s.make.resident()
    const photo = await jpegWithGps()
    const answers = await Promise.all(Array.from({ length: 10 }, () => uploadPhoto(s, resident.token, photo)))
    expect(answers.filter((a) => a.status === 201)).toHaveLength(4)
    const limited = answers.filter((a) => a.status === 429)
    expect(limited).toHaveLength(6)
    for (const a of limited) expect(a.body.error.code).toBe('RATE_LIMITED')
    expect(await uploadsOf(resident.id)).toBe(4)
    // Another account is not held back.
    const other = await s.make.resident()
    expect((await uploadPhoto(s, other.token, photo)).status).toBe(201)
  })

  it('keeps each account within its daily quota of bytes', async () => {
    const resident = await s.make.resident()
    const big = await noiseJpeg(700)
    expect(big.length).toBeGreaterThan(400 * 1024)
    const first = await uploadPhoto(s, resident.token, big)
    const second = await uploadPhoto(s, resident.token, big)
    const third = await uploadPhoto(s, resident.token, big)
    expect([first.status, second.status]).toEqual([201, 201])
    expect(third.status).toBe(429)
    expect(third.body.error.code).toBe('UPLOAD_QUOTA_EXCEEDED')
    expect(third.body.error.message).toMatch(/上传/)
    expect(await uploadsOf(resident.id)).toBe(2)
    // A small photo still fits what is left.
    expect((await uploadPhoto(s, resident.token, await jpegWithGps())).status).toBe(201)
  })
})
