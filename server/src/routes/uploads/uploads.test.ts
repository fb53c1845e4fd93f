import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepUploads, UNATTACHED_UPLOAD_TTL_MS } from '../../jobs/sweepUploads'
import { fileReport, jpegWithGps, uploadPhoto } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

describe.each(testDatabaseKinds())('photo uploads on %s', (kind) => {
  let s: TestServer
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-uploads-'))

  beforeAll(async () => {
    s = await startTestServer(kind, { env: { UPLOAD_DIR: uploadDir, UPLOAD_MAX_BYTES: String(300 * 1024) } })
  })
  afterAll(async () => {
    await s?.close()
    fs.rmSync(uploadDir, { recursive: true, force: true })
  })

  const fetchBytes = async (url: string, token?: string) => {
    const res = await fetch(`${s.url}${url}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
    return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) }
  }

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
    expect(filed.body.case.photos).toEqual([{ id: up.body.id, url: up.body.url }])

    const centre = await s.http.staffToken('centre')
    const forCentre = await fetchBytes(`${up.body.url}/original`, centre)
    expect(forCentre.status).toBe(200)
    expect((await sharp(forCentre.bytes).metadata()).exif).toBeDefined()
    expect((await fetchBytes(`${up.body.url}/original`, await s.http.staffToken('staff'))).status).toBe(404)
    expect((await fetchBytes(`${up.body.url}/original`, resident)).status).toBe(404)
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
    expect((await sweepUploads(s.app.services, tomorrow, files)).processed).toBeGreaterThanOrEqual(1)
    expect(await s.database.db('uploads').where({ id: abandoned.id }).first()).toBeUndefined()
    expect(await files.get(row.original_key)).toBeNull()
    expect(await files.get(row.public_key)).toBeNull()
    expect((await fetch(`${s.url}${abandoned.url}`)).status).toBe(404)
    expect((await fetch(`${s.url}${kept.url}`)).status).toBe(200)
  })
})
