import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { regionsRepo } from '../../repositories/regions'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

describe.each(testDatabaseKinds())('console admin lists on %s', (kind) => {
  let s: TestServer
  let admin: string

  beforeAll(async () => {
    s = await startTestServer(kind)
    admin = await s.http.staffToken('admin')
  })
  afterAll(async () => {
    await s?.close()
  })

  it('lists every category for administrators, the inactive ones too', async () => {
    expect((await s.http.request('PUT', '/api/admin/categories/noise', { active: false }, { token: admin })).status).toBe(200)
    const res = await s.http.get('/api/admin/categories', { token: admin })
    expect(res.body.items).toHaveLength(14)
    expect(res.body.items.find((c: { code: string }) => c.code === 'noise')).toMatchObject({ active: false, name: '噪音扰民' })
    expect((await s.http.get('/api/categories', { token: admin })).body.items).toHaveLength(13)
    expect((await s.http.get('/api/admin/categories', { token: await s.http.staffToken('centre') })).status).toBe(403)
  })

  it('lists the grids of a region with their polygons, and takes a drawn one', async () => {
    const street = (await regionsRepo.findByCode(s.database.db, 'XT-YT-JSL'))!.id
    const res = await s.http.get(`/api/admin/grid-areas?regionId=${street}`, { token: admin })
    expect(res.body.items.map((g: { name: string }) => g.name)).toEqual(['幸福里第一网格', '幸福里第二网格', '和平第一网格'])
    const g2 = res.body.items[1]
    const ring = [[27.858, 112.944], [27.858, 112.953], [27.867, 112.953], [27.866, 112.944]]
    expect((await s.http.request('PUT', `/api/admin/grids/${g2.id}/area`, { polygon: ring }, { token: admin })).status).toBe(200)
    const again = await s.http.get(`/api/admin/grid-areas?regionId=${street}`, { token: admin })
    expect(again.body.items[1].polygon).toEqual(ring)
  })

  it('lists grid platforms with their dead letters, and issued Open311 keys, which can be revoked', async () => {
    const xfl = (await regionsRepo.findByCode(s.database.db, 'XT-YT-JSL-XFL'))!.id
    await s.http.post('/api/admin/grid-platforms', { regionId: xfl, name: '区网格平台', url: 'http://127.0.0.1:9/events', secret: 'a-secret-of-enough-length' }, { token: admin })
    const platforms = await s.http.get('/api/admin/grid-platforms', { token: admin })
    expect(platforms.body.items).toEqual([expect.objectContaining({ name: '区网格平台', regionName: '幸福里社区', deadLetters: 0, pending: 0 })])
    const issued = await s.http.post('/api/admin/open311-keys', { name: '12345 热线' }, { token: admin })
    const keys = await s.http.get('/api/admin/open311-keys', { token: admin })
    expect(keys.body.items).toEqual([expect.objectContaining({ id: issued.body.id, name: '12345 热线', revokedAt: null })])
    expect(JSON.stringify(keys.body)).not.toContain(issued.body.apiKey)
    const services = () => s.http.get(`/open311/v2/services.json?api_key=${issued.body.apiKey}`)
    const revoked = await s.http.post(`/api/admin/open311-keys/${issued.body.id}/revoke`, {}, { token: admin })
    expect(revoked.body.items[0].revokedAt).not.toBeNull()
    const post = await s.http.post(`/open311/v2/requests.json`, { api_key: issued.body.apiKey, service_code: 'noise', lat: 27.86, long: 112.94, description: '噪音扰民很严重' })
    expect(post.status).not.toBe(201)
    expect((await services()).status).toBe(200)
  })
})
