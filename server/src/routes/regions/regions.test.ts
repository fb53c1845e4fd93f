import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../testing/server'
import { testDatabaseKinds } from '../../testing/databases'

describe.each(testDatabaseKinds())('region scoping on %s', (kind) => {
  let s: TestServer
  const idOf = async (code: string) => (await s.database.db('regions').where({ code }).first()).id as number

  beforeAll(async () => {
    s = await startTestServer(kind)
  })
  afterAll(async () => {
    await s?.close()
  })

  it('shows a community staff member only their own subtree', async () => {
    const token = await s.http.staffToken('staff')
    const res = await s.http.get('/api/regions', { token })
    expect(res.status).toBe(200)
    expect(res.body.items.map((r: { name: string }) => r.name).sort()).toEqual(['幸福里社区', '幸福里第一网格', '幸福里第二网格'].sort())
  })

  it('answers 404 for a region outside the account, exactly as for one that does not exist', async () => {
    const token = await s.http.staffToken('staff')
    const other = await s.http.get(`/api/regions/${await idOf('XT-YT-JSL-HP')}`, { token })
    const missing = await s.http.get('/api/regions/999999', { token })
    expect(other.status).toBe(404)
    expect(other.body).toEqual(missing.body)
    const parent = await s.http.get(`/api/regions/${await idOf('XT-YT-JSL')}`, { token })
    expect(parent.status).toBe(404)
    const own = await s.http.get(`/api/regions/${await idOf('XT-YT-JSL-XFL-G2')}`, { token })
    expect(own.status).toBe(200)
    expect(own.body).toMatchObject({ name: '幸福里第二网格', level: 'grid' })
  })

  it('lets a street centre see both communities and a grid worker only their grid', async () => {
    const centre = await s.http.get('/api/regions', { token: await s.http.staffToken('centre') })
    expect(centre.body.items).toHaveLength(6)
    const grid = await s.http.get('/api/regions', { token: await s.http.staffToken('grid') })
    expect(grid.body.items.map((r: { name: string }) => r.name)).toEqual(['幸福里第一网格'])
  })

  it('lets residents see the whole tree', async () => {
    const res = await s.http.get('/api/regions', { token: await s.http.residentToken() })
    expect(res.body.items).toHaveLength(8)
    expect(res.body.items[0]).toMatchObject({ level: 'city', parentId: null })
  })

  it('validates the id and requires a login', async () => {
    const token = await s.http.staffToken('admin')
    const bad = await s.http.get('/api/regions/abc', { token })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.fields[0].path).toBe('id')
    expect((await s.http.get('/api/regions')).status).toBe(401)
  })
})
