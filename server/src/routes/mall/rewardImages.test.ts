import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepUploads, UNATTACHED_UPLOAD_TTL_MS } from '../../jobs/sweepUploads'
import { uploadsRepo } from '../../repositories/uploads'
import { fileReport, uploadPhoto } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'
import { startTestUploadStore, withUploadStores, type TestUploadStore } from '../../testing/uploadStores'

describe.each(withUploadStores(testDatabaseKinds()))('reward pictures on %s, %s store', (kind, storeKind) => {
  let s: TestServer
  let store: TestUploadStore
  let staff: string

  beforeAll(async () => {
    store = await startTestUploadStore(storeKind)
    s = await startTestServer(kind, { env: store.env })
    staff = await s.http.staffToken('staff')
  })
  afterAll(async () => {
    await s?.close()
    await store?.close()
  })

  const png = (colour: string) => sharp({ create: { width: 40, height: 30, channels: 3, background: colour } }).png().toBuffer()
  const upload = async (token: string, colour = '#ff7d00') => (await uploadPhoto(s, token, await png(colour), 'reward.png', 'image/png')).body as { id: string; url: string }
  const uploadRow = (id: string) => s.database.db('uploads').where({ id }).first()
  const rewardRow = (id: number) => s.database.db('rewards').where({ id }).first()
  const rewardCount = async () => Number((await s.database.db('rewards').count({ n: '*' }).first())!.n)

  async function rewardInput(overrides: Record<string, unknown> = {}) {
    return {
      regionId: await s.make.regionId('XT-YT-JSL-XFL'), title: '社区电影票', description: '露天电影场次票一张', pointsCost: 80, stock: 5,
      perResidentLimit: 1, validFrom: new Date(Date.now() - 1000).toISOString(), validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      pickupPlace: '幸福里社区服务中心', pickupInstructions: '', ...overrides,
    }
  }

  const signedLinkTo = (id: string) => expect.stringMatching(new RegExp(`^${s.config.publicBaseUrl}/api/files/${id}\\?v=\\d+&e=\\d+&s=[\\w-]+$`))
  const fetchImage = async (url: string) => {
    const res = await fetch(url)
    return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) }
  }

  it('puts a reward up with an uploaded picture, served to residents without a token', async () => {
    const image = await upload(staff)
    const created = await s.http.post('/api/staff/rewards', await rewardInput({ imageUploadId: image.id }), { token: staff })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ imageUploadId: image.id, imageUrl: signedLinkTo(image.id) })
    expect(await uploadRow(image.id)).toMatchObject({ reward_id: created.body.id, case_id: null })

    const resident = await s.make.resident()
    const seen = await s.http.get(`/api/rewards/${created.body.id}`, { token: resident.token })
    expect(seen.body.imageUrl).toEqual(signedLinkTo(image.id))
    const served = await fetchImage(seen.body.imageUrl)
    expect(served.status).toBe(200)
    expect(served.type).toBe('image/png')
    expect((await sharp(served.bytes).metadata()).width).toBe(40)

    const plain = await s.http.post('/api/staff/rewards', await rewardInput({ title: '无图礼品' }), { token: staff })
    expect(plain.body).toMatchObject({ imageUploadId: null, imageUrl: '' })
  })

  it('changes the picture, keeps it when a change leaves it out, and removes it with null; the sweep takes only the old ones', async () => {
    const first = await upload(staff, '#00b42a')
    const created = (await s.http.post('/api/staff/rewards', await rewardInput({ imageUploadId: first.id }), { token: staff })).body
    const second = await upload(staff, '#1677ff')
    const changed = await s.http.post(`/api/staff/rewards/${created.id}`, await rewardInput({ imageUploadId: second.id, stock: 6 }), { token: staff })
    expect(changed.status).toBe(200)
    expect(changed.body).toMatchObject({ imageUploadId: second.id, imageUrl: signedLinkTo(second.id), stockTotal: 6 })
    expect(await uploadRow(first.id)).toMatchObject({ reward_id: null })
    expect(await uploadRow(second.id)).toMatchObject({ reward_id: created.id })

    // The same picture sent back by someone else whose region covers the reward: it stays, though it is not theirs.
    const centre = await s.http.staffToken('centre')
    expect((await s.http.post(`/api/staff/rewards/${created.id}`, await rewardInput({ imageUploadId: second.id }), { token: centre })).body.imageUploadId).toBe(second.id)
    // A caller that does not know about pictures keeps it.
    expect((await s.http.post(`/api/staff/rewards/${created.id}`, await rewardInput({ imageUrl: 'https://example.com/x.png' }), { token: staff })).body)
      .toMatchObject({ imageUploadId: second.id, imageUrl: signedLinkTo(second.id) })

    const tomorrow = new Date(Date.now() + UNATTACHED_UPLOAD_TTL_MS + 60_000)
    await sweepUploads(s.app.services, tomorrow)
    expect(await uploadRow(first.id)).toBeUndefined()
    expect((await fetchImage(first.url)).status).toBe(404)
    expect((await fetchImage(changed.body.imageUrl)).status).toBe(200)

    const removed = await s.http.post(`/api/staff/rewards/${created.id}`, await rewardInput({ imageUploadId: null }), { token: staff })
    expect(removed.body).toMatchObject({ imageUploadId: null, imageUrl: '' })
    expect(await uploadRow(second.id)).toMatchObject({ reward_id: null })
  })

  it('leaves a reward\'s picture alone when sweeping abandoned uploads, and keeps it out of reports', async () => {
    const image = await upload(staff)
    const created = (await s.http.post('/api/staff/rewards', await rewardInput({ imageUploadId: image.id }), { token: staff })).body
    const row = await uploadRow(image.id)
    const abandoned = await upload(staff)

    const tomorrow = new Date(Date.now() + UNATTACHED_UPLOAD_TTL_MS + 60_000)
    expect((await sweepUploads(s.app.services, tomorrow)).processed).toBeGreaterThanOrEqual(1)
    expect(await uploadRow(abandoned.id)).toBeUndefined()
    expect(await uploadRow(image.id)).toMatchObject({ reward_id: created.id })
    expect(await s.app.services.files.get(row.public_key)).not.toBeNull()
    expect(await s.app.services.files.get(row.original_key)).not.toBeNull()
    expect((await fetchImage(created.imageUrl)).status).toBe(200)

    const staffId = await s.make.userId('staff')
    expect(await uploadsRepo.attach(s.database.db, [image.id], staffId, 1)).toBe(false)
    expect(await uploadRow(image.id)).toMatchObject({ reward_id: created.id, case_id: null })
  })

  it('refuses an unknown picture, another user\'s, and one already used, in Chinese, changing nothing', async () => {
    const resident = await s.http.residentToken()
    const residents = await upload(resident)
    const otherStaff = await upload(await s.http.staffToken('staff2'))
    const reported = await upload(resident)
    expect((await fileReport(s, resident, { photoIds: [reported.id] })).status).toBe(201)
    const ownImage = await upload(staff)
    const other = (await s.http.post('/api/staff/rewards', await rewardInput({ title: '已有图片的礼品', imageUploadId: ownImage.id }), { token: staff })).body

    const before = await rewardCount()
    for (const id of ['a'.repeat(32), residents.id, otherStaff.id, reported.id, ownImage.id]) {
      const refused = await s.http.post('/api/staff/rewards', await rewardInput({ imageUploadId: id }), { token: staff })
      expect(refused.status).toBe(400)
      expect(refused.body.error).toMatchObject({ code: 'PHOTO_NOT_FOUND', message: '照片不存在或已被使用，请重新上传' })
    }
    expect(await rewardCount()).toBe(before)

    const target = (await s.http.post('/api/staff/rewards', await rewardInput({ title: '待修改的礼品' }), { token: staff })).body
    const rowBefore = await rewardRow(target.id)
    for (const id of [residents.id, otherStaff.id, ownImage.id]) {
      const refused = await s.http.post(`/api/staff/rewards/${target.id}`, await rewardInput({ title: '改过的名字', stock: 9, imageUploadId: id }), { token: staff })
      expect(refused.status).toBe(400)
      expect(refused.body.error.code).toBe('PHOTO_NOT_FOUND')
    }
    expect(await rewardRow(target.id)).toEqual(rowBefore)
    expect(await uploadRow(residents.id)).toMatchObject({ reward_id: null, case_id: null })
    expect(await uploadRow(otherStaff.id)).toMatchObject({ reward_id: null, case_id: null })
    expect(await uploadRow(ownImage.id)).toMatchObject({ reward_id: other.id })

    const malformed = await s.http.post('/api/staff/rewards', await rewardInput({ imageUploadId: 'not-an-upload' }), { token: staff })
    expect(malformed.status).toBe(400)
    expect(malformed.body.error.details.fields).toEqual([{ path: 'imageUploadId', message: '图片编号有误' }])
  })
})
