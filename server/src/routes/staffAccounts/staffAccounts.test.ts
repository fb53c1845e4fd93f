import type { Role } from '@anju/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../db/seeds/demo'
import { can, type Actor } from '../../policies'
import { regionsRepo } from '../../repositories/regions'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

describe('who manages which staff account', () => {
  const actor = (role: Role): Actor => ({ id: 1, role, displayName: '', region: { id: 3, path: '/1/2/3/' } })
  const inside = '/1/2/3/4/'
  const outside = '/1/2/9/'
  it.each([
    ['admin', 'admin', inside, true], ['admin', 'centre', inside, true], ['admin', 'grid_worker', outside, false],
    ['centre', 'staff', inside, true], ['centre', 'grid_worker', inside, true], ['centre', 'centre', inside, false],
    ['centre', 'admin', inside, false], ['centre', 'staff', outside, false], ['staff', 'grid_worker', inside, false],
    ['grid_worker', 'grid_worker', inside, false], ['resident', 'staff', inside, false],
  ] as [Role, Role, string, boolean][])('%s → %s account at %s: %s', (who, role, regionPath, allowed) => {
    expect(can(actor(who), 'staffAccount.manage', { regionPath, role })).toBe(allowed)
  })
})

describe.each(testDatabaseKinds())('staff accounts over HTTP on %s', (kind) => {
  let s: TestServer
  let centre: string
  let admin: string
  let g2 = 0
  let xfl = 0
  let created = 0

  beforeAll(async () => {
    s = await startTestServer(kind)
    centre = await s.http.staffToken('centre')
    admin = await s.http.staffToken('admin')
    g2 = (await regionsRepo.findByCode(s.database.db, 'XT-YT-JSL-XFL-G2'))!.id
    xfl = (await regionsRepo.findByCode(s.database.db, 'XT-YT-JSL-XFL'))!.id
  })
  afterAll(async () => {
    await s?.close()
  })

  it('lets a street centre add a grid worker in its street, who can then log in', async () => {
    const res = await s.http.post('/api/admin/staff-accounts', { username: 'grid-g2', displayName: '网格员 周敏', role: 'grid_worker', regionId: g2, password: 'first-pass-1' }, { token: centre })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ username: 'grid-g2', role: 'grid_worker', region: { name: '幸福里第二网格' }, disabled: false })
    created = res.body.id
    expect((await s.http.post('/api/auth/staff', { username: 'grid-g2', password: 'first-pass-1' })).status).toBe(200)
    const list = await s.http.get('/api/admin/staff-accounts', { token: centre })
    expect(list.body.items.map((u: { username: string }) => u.username).sort()).toEqual(['grid', 'grid-g2', 'staff', 'staff2'])
    const cityList = await s.http.get('/api/admin/staff-accounts', { token: admin })
    expect(cityList.body.items.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['admin', 'centre', 'grid-g2']))
  })

  it('refuses what a centre may not do, a taken username, a role in the wrong place and a short password', async () => {
    const district = (await regionsRepo.findByCode(s.database.db, 'XT-YT'))!.id
    expect((await s.http.post('/api/admin/staff-accounts', { username: 'boss', displayName: '区管理员', role: 'admin', regionId: district, password: 'long-enough-1' }, { token: centre })).status).toBe(404)
    expect((await s.http.post('/api/admin/staff-accounts', { username: 'centre-b', displayName: '中心', role: 'centre', regionId: xfl, password: 'long-enough-1' }, { token: centre })).status).toBe(404)
    const taken = await s.http.post('/api/admin/staff-accounts', { username: 'grid', displayName: '重名', role: 'grid_worker', regionId: g2, password: 'long-enough-1' }, { token: centre })
    expect(taken.status).toBe(409)
    expect(taken.body.error.code).toBe('USERNAME_TAKEN')
    const misplaced = await s.http.post('/api/admin/staff-accounts', { username: 'gw-x', displayName: '网格员', role: 'grid_worker', regionId: xfl, password: 'long-enough-1' }, { token: centre })
    expect(misplaced.status).toBe(400)
    expect(misplaced.body.error.code).toBe('STAFF_ROLE_REGION_MISMATCH')
    expect((await s.http.post('/api/admin/staff-accounts', { username: 'gw-y', displayName: '网格员', role: 'grid_worker', regionId: g2, password: 'short' }, { token: centre })).status).toBe(400)
    expect((await s.http.get('/api/admin/staff-accounts', { token: await s.http.staffToken('staff') })).status).toBe(403)
    const centreId = await s.make.userId('centre')
    expect((await s.http.request('PUT', `/api/admin/staff-accounts/${centreId}`, { disabled: true }, { token: centre })).status).toBe(404)
  })

  it('resets a password and disables an account, each ending the sessions it had', async () => {
    const old = (await s.http.post('/api/auth/staff', { username: 'grid-g2', password: 'first-pass-1' })).body.accessToken
    const reset = await s.http.post(`/api/admin/staff-accounts/${created}/reset-password`, { password: 'second-pass-2' }, { token: centre })
    expect(reset.status).toBe(200)
    expect((await s.http.get('/api/staff/cases', { token: old })).status).toBe(401)
    expect((await s.http.post('/api/auth/staff', { username: 'grid-g2', password: 'first-pass-1' })).status).toBe(401)
    const fresh = (await s.http.post('/api/auth/staff', { username: 'grid-g2', password: 'second-pass-2' })).body.accessToken
    const disabled = await s.http.request('PUT', `/api/admin/staff-accounts/${created}`, { disabled: true }, { token: centre })
    expect(disabled.body.disabled).toBe(true)
    expect((await s.http.get('/api/staff/cases', { token: fresh })).status).toBe(401)
    const login = await s.http.post('/api/auth/staff', { username: 'grid-g2', password: 'second-pass-2' })
    expect(login.body.error.code).toBe('ACCOUNT_DISABLED')
    expect((await s.http.request('PUT', `/api/admin/staff-accounts/${created}`, { disabled: false, role: 'staff', regionId: xfl }, { token: centre })).body)
      .toMatchObject({ disabled: false, role: 'staff', region: { name: '幸福里社区' } })
  })

  it('keeps an account from disabling itself or changing its own role', async () => {
    const adminId = await s.make.userId('admin')
    const self = await s.http.request('PUT', `/api/admin/staff-accounts/${adminId}`, { disabled: true }, { token: admin })
    expect(self.status).toBe(409)
    expect(self.body.error.code).toBe('STAFF_ACCOUNT_SELF')
    expect((await s.http.request('PUT', `/api/admin/staff-accounts/${adminId}`, { displayName: '市级管理员（值班）' }, { token: admin })).status).toBe(200)
    expect((await s.http.post('/api/auth/staff', { username: 'admin', password: DEMO_PASSWORD })).status).toBe(200)
  })
})
