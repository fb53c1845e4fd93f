import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { sweepUploads, UNATTACHED_UPLOAD_TTL_MS } from '../../jobs/sweepUploads'
import { fileReport, jpegWithGps, uploadPhoto } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'
import { startTestUploadStore, withUploadStores, type TestUploadStore } from '../../testing/uploadStores'

describe.each(withUploadStores(testDatabaseKinds()))('photo uploads on %s, %s store', (kind, storeKind) => {
  let s: TestServer
  let store: TestUploadStore

  beforeAll(async () => {
    store = await startTestUploadStore(storeKind)
    s = await startTestServer(kind, { env: { ...store.env, UPLOAD_MAX_BYTES: String(300 * 1024) } })
  })
  afterAll(async () => {
    await s?.close()
    await store?.close()
  })

  /** Fetches a link as an <image> tag would: no token unless one is given. */
  const fetchBytes = async (url: string, token?: string) => {
    const res = await fetch(url.startsWith('http') ? url : `${s.url}${url}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
    const bytes = Buffer.from(await res.arrayBuffer())
    return { status: res.status, type: res.headers.get('content-type'), bytes, json: () => JSON.parse(bytes.toString()), headers: res.headers }
  }
  const originalOf = (id: string) => `/api/files/${id}/original`

  it('re-encodes a photo without its EXIF, keeping the original for the centre only', async () => {
    const resident = await s.http.residentToken()
    const original = await jpegWithGps()
    expect((await sharp(original).metadata()).exif).toBeDefined()
    const up = await uploadPhoto(s, resident, original, 'IMG_0001.JPG')
    expect(up.status).toBe(201)
    expect(up.body).toMatchObject({ contentType: 'image/jpeg', width: 64, height: 48 })

    const publicCopy = await fetchBytes(up.body.url)
    expect(publicCopy.status).toBe(200)
    expect(publicCopy.type).toBe('image/jpeg')
    const meta = await sharp(publicCopy.bytes).metadata()
    expect(meta.exif).toBeUndefined()
    expect(publicCopy.bytes.includes(Buffer.from('AnjuTestCam'))).toBe(false)

    const filed = await fileReport(s, resident, { photoIds: [up.body.id] })
    expect(filed.status).toBe(201)
    expect(filed.body.case.photos).toEqual([{ id: up.body.id, url: expect.stringContaining(`/api/files/${up.body.id}?`) }])

    const centre = await s.http.staffToken('centre')
    const forCentre = await fetchBytes(originalOf(up.body.id), centre)
    expect(forCentre.status).toBe(200)
    expect((await sharp(forCentre.bytes).metadata()).exif).toBeDefined()
    expect((await fetchBytes(originalOf(up.body.id), await s.http.staffToken('staff'))).status).toBe(404)
    expect((await fetchBytes(originalOf(up.body.id), resident)).status).toBe(404)
    // A signed link opens the EXIF-free copy only, never the original.
    expect((await fetchBytes(up.body.url.replace(`/api/files/${up.body.id}?`, `/api/files/${up.body.id}/original?`))).status).toBe(401)
  })

  it('serves a photo only through a signed, short-lived link for one viewer', async () => {
    const resident = await s.http.residentToken()
    const up = (await uploadPhoto(s, resident, await jpegWithGps())).body
    const link = new URL(up.url)
    expect(`${link.origin}`).toBe(s.config.publicBaseUrl)
    expect(link.pathname).toBe(`/api/files/${up.id}`)
    const ok = await fetchBytes(up.url)
    expect(ok.status).toBe(200)
    expect(ok.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/)

    // The id alone, as served before, opens nothing.
    const bare = await fetchBytes(`/api/files/${up.id}`)
    expect(bare.status).toBe(404)
    expect(bare.json().error.code).toBe('NOT_FOUND')
    // Forged: another signature, another viewer, a later expiry, another photo under the same signature.
    const other = (await uploadPhoto(s, resident, await jpegWithGps())).body
    const forged = (change: (u: URL) => void) => {
      const u = new URL(up.url)
      change(u)
      return fetchBytes(u.toString())
    }
    for (const attempt of [
      await forged((u) => u.searchParams.set('s', 'A'.repeat(43))),
      await forged((u) => u.searchParams.set('v', String(Number(u.searchParams.get('v')) + 1))),
      await forged((u) => u.searchParams.set('e', String(Number(u.searchParams.get('e')) + 3600))),
      await forged((u) => (u.pathname = `/api/files/${other.id}`)),
    ]) {
      expect(attempt.status).toBe(404)
      expect(attempt.json().error.code).toBe('NOT_FOUND')
    }

    // Past its expiry the genuine link is refused with a reason the page can act on.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(Date.now() + (s.config.uploadLinks.ttlSeconds + 10 * 60) * 1000)
      const expired = await fetchBytes(up.url)
      expect(expired.status).toBe(403)
      expect(expired.json().error).toMatchObject({ code: 'FILE_LINK_EXPIRED', message: expect.stringMatching(/[\u4e00-\u9fa5]/) })
    } finally {
      vi.useRealTimers()
    }
  })

  it('gives photo links only to viewers entitled to the case, each link naming its viewer', async () => {
    const resident = await s.http.residentToken()
    const up = (await uploadPhoto(s, resident, await jpegWithGps())).body
    const filed = (await fileReport(s, resident, { photoIds: [up.id] })).body.case
    const viewerOf = (url: string) => Number(new URL(url).searchParams.get('v'))

    const staff = await s.http.staffToken('staff')
    const forStaff = await s.http.get(`/api/cases/${filed.id}`, { token: staff })
    expect(forStaff.status).toBe(200)
    const me = await s.http.get('/api/me', { token: staff })
    expect(viewerOf(forStaff.body.photos[0].url)).toBe(me.body.id)
    expect((await fetchBytes(forStaff.body.photos[0].url)).status).toBe(200)

    for (const outsider of [await s.http.residentToken(), await s.http.staffToken('staff2')]) {
      const seen = await s.http.get(`/api/cases/${filed.id}`, { token: outsider })
      expect(seen.status).toBe(404)
      expect(JSON.stringify(seen.body)).not.toContain(up.id)
    }
  })

  it('lets a photo belong to one report only, and only its uploader\'s', async () => {
    const owner = await s.http.residentToken()
    const up = await uploadPhoto(s, owner, await jpegWithGps())
    const stranger = await fileReport(s, await s.http.residentToken(), { photoIds: [up.body.id] })
    expect(stranger.body.error.code).toBe('PHOTO_NOT_FOUND')
    expect((await fileReport(s, owner, { photoIds: [up.body.id] })).status).toBe(201)
    expect((await fileReport(s, owner, { photoIds: [up.body.id] })).body.error.code).toBe('PHOTO_NOT_FOUND')
  })

  it('takes PNG and WebP by their content, whatever the file is called', async () => {
    const resident = await s.http.residentToken()
    const png = await sharp({ create: { width: 10, height: 10, channels: 4, background: '#00ff00' } }).png().toBuffer()
    const webp = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#0000ff' } }).webp().toBuffer()
    expect((await uploadPhoto(s, resident, png, 'x.jpg', 'image/jpeg')).body.contentType).toBe('image/png')
    expect((await uploadPhoto(s, resident, webp, 'x.png', 'image/png')).body.contentType).toBe('image/webp')
  })

  it('refuses what is not an image, a broken image and one over the size limit', async () => {
    const resident = await s.http.residentToken()
    const before = Number((await s.database.db('uploads').count({ n: '*' }).first())!.n)
    const text = await uploadPhoto(s, resident, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'a.jpg')
    expect(text.status).toBe(415)
    expect(text.body.error.code).toBe('IMAGE_INVALID')
    const truncated = (await jpegWithGps()).subarray(0, 40)
    expect((await uploadPhoto(s, resident, truncated)).body.error.code).toBe('IMAGE_INVALID')
    const huge = await uploadPhoto(s, resident, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(400 * 1024)]))
    expect(huge.status).toBe(413)
    const none = await fetch(`${s.url}/api/uploads`, { method: 'POST', body: new FormData(), headers: { Authorization: `Bearer ${resident}` } })
    expect(none.status).toBe(415)
    expect((await uploadPhoto(s, '', await jpegWithGps())).status).toBe(401)
    expect(Number((await s.database.db('uploads').count({ n: '*' }).first())!.n)).toBe(before)
    expect((await fetchBytes('/api/files/' + 'a'.repeat(32))).status).toBe(404)
    expect((await fetchBytes('/api/files/' + 'a'.repeat(32) + '?v=1&e=9999999999&s=x')).status).toBe(404)
  })

  it('sweeps photos never attached to a report after a day, keeping the ones that were', async () => {
    const resident = await s.http.residentToken()
    const abandoned = (await uploadPhoto(s, resident, await jpegWithGps())).body
    const kept = (await uploadPhoto(s, resident, await jpegWithGps())).body
    expect((await fileReport(s, resident, { photoIds: [kept.id] })).status).toBe(201)
    const files = s.app.services.files
    const row = await s.database.db('uploads').where({ id: abandoned.id }).first()
    expect(await files.get(row.original_key)).not.toBeNull()

    expect((await sweepUploads(s.app.services, new Date())).processed).toBe(0)
    const tomorrow = new Date(Date.now() + UNATTACHED_UPLOAD_TTL_MS + 60_000)
    expect((await sweepUploads(s.app.services, tomorrow)).processed).toBeGreaterThanOrEqual(1)
    expect(await s.database.db('uploads').where({ id: abandoned.id }).first()).toBeUndefined()
    expect(await files.get(row.original_key)).toBeNull()
    expect(await files.get(row.public_key)).toBeNull()
    expect((await fetchBytes(abandoned.url)).status).toBe(404)
    expect((await fetchBytes(kept.url)).status).toBe(200)
  })
})
