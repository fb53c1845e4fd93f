import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { usersRepo } from '../../repositories/users'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

interface Found {
  id: number
  displayName: string
  community: { id: number; name: string; level: string }
}

describe.each(testDatabaseKinds())('finding residents on %s', (kind) => {
  let s: TestServer
  let staff: string
  let otherStaff: string
  let centre: string
  let xfl: { id: number; token: string }
  let hp: { id: number; token: string }
  let volunteer: { id: number; token: string }

  beforeAll(async () => {
    s = await startTestServer(kind)
    staff = await s.http.staffToken('staff')
    otherStaff = await s.http.staffToken('staff2')
    centre = await s.http.staffToken('centre')
    xfl = await s.make.resident('XT-YT-JSL-XFL', { displayName: '张晓燕' })
    hp = await s.make.resident('XT-YT-JSL-HP', { displayName: '张晓明' })
    volunteer = await s.make.resident('XT-YT-JSL-XFL', { displayName: '张晓峰', role: 'volunteer' })
  })
  afterAll(async () => {
    await s?.close()
  })

  const search = (q: string, token: string, extra = '') => s.http.get(`/api/staff/residents?q=${encodeURIComponent(q)}${extra}`, { token })
  const namesOf = (items: Found[]) => items.map((r) => r.displayName).sort()

  it('finds a resident of the community by 编号, with name and community only', async () => {
    const res = await search(String(xfl.id), staff)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      items: [{ id: xfl.id, displayName: '张晓燕', community: { id: await s.make.regionId('XT-YT-JSL-XFL'), name: '幸福里社区', level: 'community' } }],
      more: false,
    })
    const row = (await usersRepo.findById(s.database.db, xfl.id))!
    expect(JSON.stringify(res.body)).not.toContain(row.openid!)
    expect(Object.keys(res.body.items[0]).sort()).toEqual(['community', 'displayName', 'id'])
  })

  it('finds residents and volunteers by a part of the name, inside the staff member\'s subtree only', async () => {
    const res = await search('张晓', staff)
    expect(res.status).toBe(200)
    expect(namesOf(res.body.items)).toEqual(['张晓峰', '张晓燕'])
    expect(res.body.items.find((r: Found) => r.id === volunteer.id)).toBeDefined()

    expect(namesOf((await search('张晓', otherStaff)).body.items)).toEqual(['张晓明'])
    // The street's centre sees both communities under it.
    expect(namesOf((await search('张晓', centre)).body.items)).toEqual(['张晓峰', '张晓明', '张晓燕'])
  })

  it('matches names regardless of letter case, and takes % and _ literally', async () => {
    const lily = await s.make.resident('XT-YT-JSL-XFL', { displayName: 'Lily Chen' })
    expect((await search('lily', staff)).body.items.map((r: Found) => r.id)).toEqual([lily.id])
    expect((await search('%%', staff)).body.items).toEqual([])
    expect((await search('y_C', staff)).body.items).toEqual([])
  })

  it('does not find a resident of another community by 编号 either', async () => {
    const res = await search(String(hp.id), staff)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ items: [], more: false })
  })

  it('lists no staff accounts, disabled accounts or residents without a community', async () => {
    expect((await search('王敏', staff)).body.items).toEqual([])
    expect((await search(String(await s.make.userId('grid')), staff)).body.items).toEqual([])
    const gone = await s.make.resident('XT-YT-JSL-XFL', { displayName: '赵停用' })
    await usersRepo.update(s.database.db, gone.id, { disabled: true })
    expect((await search('赵停用', staff)).body.items).toEqual([])
    const admin = await s.http.staffToken('admin')
    const homeless = await usersRepo.insert(s.database.db, { openid: 'test:homeless', displayName: '钱未选', role: 'resident' })
    expect((await search(String(homeless), admin)).body.items).toEqual([])
  })

  it('answers a small page and says when there are more', async () => {
    for (const n of [1, 2, 3]) await s.make.resident('XT-YT-JSL-XFL', { displayName: `孙同名${n}` })
    const page = await search('孙同名', staff, '&limit=2')
    expect(page.body.items).toHaveLength(2)
    expect(page.body.more).toBe(true)
    expect((await search('孙同名', staff)).body).toMatchObject({ more: false })
    expect((await search('孙同名', staff)).body.items).toHaveLength(3)
  })

  it('puts an exact name before names that only contain it', async () => {
    const longer = await s.make.resident('XT-YT-JSL-XFL', { displayName: '周小红梅' })
    const exact = await s.make.resident('XT-YT-JSL-XFL', { displayName: '周小红' })
    expect((await search('周小红', staff)).body.items.map((r: Found) => r.id)).toEqual([exact.id, longer.id])
  })

  it('refuses an empty or one-character name with a Chinese message instead of listing everyone', async () => {
    for (const [path, message] of [
      ['/api/staff/residents?q=%E5%BC%A0', '按姓名查找请至少输入 2 个字'],
      ['/api/staff/residents?q=', '请输入居民编号或姓名'],
      ['/api/staff/residents?q=%20%20', '请输入居民编号或姓名'],
      ['/api/staff/residents', '请输入居民编号或姓名'],
      ['/api/staff/residents?q=123456789012', '居民编号有误'],
    ] as const) {
      const res = await s.http.get(path, { token: staff })
      expect(res.status, path).toBe(400)
      expect(res.body.error.code).toBe('VALIDATION_FAILED')
      expect(res.body.error.details.fields).toEqual([{ path: 'q', message }])
    }
  })

  it('refuses residents, volunteers and grid workers', async () => {
    expect((await search('张晓', xfl.token)).status).toBe(403)
    expect((await search('张晓', volunteer.token)).status).toBe(403)
    expect((await search('张晓', await s.http.staffToken('grid'))).status).toBe(403)
    expect((await s.http.get(`/api/staff/residents/${xfl.id}`, { token: xfl.token })).status).toBe(403)
    expect((await s.http.get('/api/staff/residents?q=1')).status).toBe(401)
  })

  it('fetches one resident in scope, and answers 404 for anyone else as for no one at all', async () => {
    const one = await s.http.get(`/api/staff/residents/${xfl.id}`, { token: staff })
    expect(one.status).toBe(200)
    expect(one.body).toEqual({ id: xfl.id, displayName: '张晓燕', community: expect.objectContaining({ name: '幸福里社区' }) })

    const missing = await s.http.get('/api/staff/residents/99999999', { token: staff })
    expect(missing.status).toBe(404)
    for (const id of [hp.id, await s.make.userId('staff2')]) {
      const res = await s.http.get(`/api/staff/residents/${id}`, { token: staff })
      expect(res.status).toBe(404)
      expect(res.body).toEqual(missing.body)
    }
    expect((await s.http.get(`/api/staff/residents/${hp.id}`, { token: otherStaff })).status).toBe(200)
  })
})
