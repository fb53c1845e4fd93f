import { CASE_FIGURES } from '@anju/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../auth/passwords'
import { weeksOf } from '../../commands/consoleFigures'
import { DEMO_PASSWORD } from '../../db/seeds/demo'
import { gridAreaRow } from '../../db/seeds/gridLoop'
import { chinaDate } from '../../lib/chinaTime'
import { regionsRepo } from '../../repositories/regions'
import { usersRepo } from '../../repositories/users'
import { countsFor, figuresOf } from '../../rollups'
import { act, fileReport } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

/** Inside 书院路第一网格, the other street's grid this file adds (GCJ-02). */
const SYL_POINT = { lat: 27.8705, lng: 112.9305 }

describe('weeks of a period', () => {
  it('cuts Monday-to-Sunday weeks to the period', () => {
    // 2026-11-04 is a Wednesday; 2026-11-30 a Monday.
    expect(weeksOf('2026-11-04', '2026-11-30')).toEqual([
      { from: '2026-11-04', to: '2026-11-08' }, { from: '2026-11-09', to: '2026-11-15' }, { from: '2026-11-16', to: '2026-11-22' },
      { from: '2026-11-23', to: '2026-11-29' }, { from: '2026-11-30', to: '2026-11-30' },
    ])
  })
})

describe.each(testDatabaseKinds())('the console over HTTP on %s', (kind) => {
  let s: TestServer
  let centre: string
  let otherCentre: string
  let admin: string
  let staff: string
  let jslId = 0
  let sylId = 0
  let xflId = 0
  const today = chinaDate(new Date())
  const period = () => `from=${today}&to=${today}`

  beforeAll(async () => {
    s = await startTestServer(kind)
    const db = s.database.db
    // A second street with one grid and its own centre.
    const district = (await regionsRepo.findByCode(db, 'XT-YT'))!
    const street = await regionsRepo.insert(db, { parent: district, level: 'street', name: '书院路街道', code: 'XT-YT-SYL' })
    const community = await regionsRepo.insert(db, { parent: street, level: 'community', name: '书院社区', code: 'XT-YT-SYL-SY' })
    const grid = await regionsRepo.insert(db, { parent: community, level: 'grid', name: '书院路第一网格', code: 'XT-YT-SYL-SY-G1' })
    await db('grid_areas').insert(gridAreaRow(grid.id, [[27.868, 112.928], [27.868, 112.933], [27.873, 112.933], [27.873, 112.928]]))
    await usersRepo.insert(db, {
      username: 'centre-syl', passwordHash: await hashPassword(DEMO_PASSWORD), displayName: '书院路街道综治中心', role: 'centre', regionId: street.id,
    })
    jslId = (await regionsRepo.findByCode(db, 'XT-YT-JSL'))!.id
    xflId = (await regionsRepo.findByCode(db, 'XT-YT-JSL-XFL'))!.id
    sylId = street.id
    centre = await s.http.staffToken('centre')
    otherCentre = await s.http.staffToken('centre-syl')
    admin = await s.http.staffToken('admin')
    staff = await s.http.staffToken('staff')
    const grid1 = await s.make.userId('grid')

    // 建设路: two cases in 幸福里 (one closed fixed, one open) and one in 和平 left open; 书院路: one case.
    const resident = await s.http.residentToken()
    const done = (await fileReport(s, resident)).body.case.id as number
    await act(s, staff, done, { action: 'accept' })
    await act(s, staff, done, { action: 'dispatch', assigneeId: grid1 })
    const gridToken = await s.http.staffToken('grid')
    await act(s, gridToken, done, { action: 'start' })
    await act(s, gridToken, done, { action: 'resolve', outcome: 'fixed', note: '已处理完毕' })
    await act(s, staff, done, { action: 'verify' })
    await act(s, staff, done, { action: 'close', note: '居民未评价，按期办结' })
    await fileReport(s, await s.http.residentToken(), { categoryCode: 'sanitation', text: '垃圾桶满了没人清运，气味很大' })
    await fileReport(s, await s.http.residentToken(), { location: { lat: 27.854, lng: 112.944, address: '和平社区 5 栋' } })
    await fileReport(s, await s.http.residentToken(), { location: { ...SYL_POINT, address: '书院路 8 号' } })
  })
  afterAll(async () => {
    await s?.close()
  })

  it('gives a street centre its own street\'s figures, and nothing of another street', async () => {
    const own = await s.http.get(`/api/console/overview?regionId=${jslId}&${period()}`, { token: centre })
    expect(own.status).toBe(200)
    expect(own.body.cases).toMatchObject({ filed: 3, closed: 1, fixed: 1, open: 2 })
    expect(own.body.childLevel).toBe('community')
    expect(own.body.children.map((r: { key: { name: string }; filed: number }) => [r.key.name, r.filed])).toEqual([['幸福里社区', 2], ['和平社区', 1]])
    expect(own.body.grids.map((r: { key: { name: string } }) => r.key.name)).not.toContain('书院路第一网格')

    for (const path of ['overview', 'heatmap']) {
      const foreign = await s.http.get(`/api/console/${path}?regionId=${sylId}&${period()}`, { token: centre })
      expect(foreign.status, path).toBe(404)
    }
    expect((await s.http.get(`/api/console/board?regionId=${sylId}`, { token: centre })).status).toBe(404)
    expect((await s.http.get(`/api/console/cases?regionId=${sylId}&${period()}`, { token: centre })).status).toBe(404)
    expect((await s.http.get(`/api/console/overview?regionId=${jslId}&${period()}`, { token: otherCentre })).status).toBe(404)
    const theirs = await s.http.get(`/api/console/overview?regionId=${sylId}&${period()}`, { token: otherCentre })
    expect(theirs.body.cases).toMatchObject({ filed: 1, open: 1 })
    // The city administrator sees both streets under the district.
    const district = (await regionsRepo.findByCode(s.database.db, 'XT-YT'))!.id
    const all = await s.http.get(`/api/console/overview?regionId=${district}&${period()}`, { token: admin })
    expect(all.body.children.map((r: { key: { name: string } }) => r.key.name).sort()).toEqual(['书院路街道', '建设路街道'])
  })

  it('is for centres and administrators only, and checks its input', async () => {
    expect((await s.http.get(`/api/console/overview?regionId=${xflId}&${period()}`, { token: staff })).status).toBe(403)
    expect((await s.http.get(`/api/console/overview?regionId=${xflId}&${period()}`, { token: await s.http.residentToken() })).status).toBe(403)
    const backwards = await s.http.get(`/api/console/overview?regionId=${jslId}&from=2026-02-01&to=2026-01-01`, { token: centre })
    expect(backwards.status).toBe(400)
    expect(backwards.body.error.code).toBe('VALIDATION_FAILED')
    expect((await s.http.get(`/api/console/overview?regionId=${jslId}&from=2024-01-01&to=2026-01-01`, { token: centre })).status).toBe(400)
  })

  it('lists the cases behind each figure, exactly those the figure counts', async () => {
    const all = await s.database.db('cases').where('grid_path', 'like', `${(await regionsRepo.findById(s.database.db, jslId))!.path}%`)
    const { CaseRow } = await import('../../repositories/cases')
    const rows = all.map((r: unknown) => CaseRow.parse(r))
    for (const figure of CASE_FIGURES) {
      const res = await s.http.get(`/api/console/cases?regionId=${jslId}&${period()}&figure=${figure}`, { token: centre })
      expect(res.status, figure).toBe(200)
      const expected = rows.filter((c) => countsFor(figuresOf(c), figure) === 1).map((c) => c.id).sort()
      expect(res.body.items.map((c: { id: number }) => c.id).sort(), figure).toEqual(expected)
    }
    const paged = await s.http.get(`/api/console/cases?regionId=${jslId}&${period()}&limit=2`, { token: centre })
    expect(paged.body.items).toHaveLength(2)
    const rest = await s.http.get(`/api/console/cases?regionId=${jslId}&${period()}&limit=2&cursor=${paged.body.next}`, { token: centre })
    expect(rest.body.items).toHaveLength(1)
    expect(rest.body.next).toBeNull()
    const ids = [...paged.body.items, ...rest.body.items].map((c: { id: number }) => c.id)
    expect(new Set(ids).size).toBe(3)
  })

  it('boards the open cases by colour and deadline, nearest deadline first, with the workbench\'s actions', async () => {
    const res = await s.http.get(`/api/console/board?regionId=${jslId}`, { token: centre })
    expect(res.status).toBe(200)
    const total = res.body.counts.reduce((n: number, c: { count: number }) => n + c.count, 0)
    expect(total).toBe(2)
    expect(res.body.counts).toHaveLength(9)
    const deadlines = res.body.items.map((c: { responseDueAt: string }) => c.responseDueAt)
    expect([...deadlines].sort()).toEqual(deadlines)
    expect(res.body.items[0].actions).toEqual(expect.arrayContaining(['accept', 'reject']))
    // Past its response deadline, a case moves to the overdue column.
    await s.database.db('cases').where({ id: res.body.items[0].id }).update({ response_due_at: new Date(Date.now() - 60_000) })
    const later = await s.http.get(`/api/console/board?regionId=${jslId}&state=overdue`, { token: centre })
    expect(later.body.items.map((c: { id: number }) => c.id)).toEqual([res.body.items[0].id])
    const colour = later.body.items[0].colour
    expect(later.body.counts.find((c: { colour: string; state: string }) => c.colour === colour && c.state === 'overdue').count).toBe(1)
  })

  it('ranks the communities of the street by this month\'s rates beside last month\'s', async () => {
    const month = today.slice(0, 7)
    const res = await s.http.get(`/api/console/rankings?regionId=${jslId}&month=${month}`, { token: centre })
    expect(res.status).toBe(200)
    const byName = Object.fromEntries(res.body.items.map((r: { name: string }) => [r.name, r]))
    expect(Object.keys(byName).sort()).toEqual(['和平社区', '幸福里社区'])
    expect(byName['幸福里社区'].current).toMatchObject({ total: 2, completionRate: 0.5, onTimeRate: 1, safetyIndex: null })
    expect(byName['和平社区'].current).toMatchObject({ total: 1, completionRate: 0 })
    expect(byName['幸福里社区'].previous).toMatchObject({ total: 0, completionRate: null })
    const grids = await s.http.get(`/api/console/rankings?regionId=${jslId}&month=${month}&level=grid`, { token: centre })
    expect(grids.body.items).toHaveLength(3)
    expect((await s.http.get(`/api/console/rankings?regionId=${sylId}&month=${month}`, { token: centre })).status).toBe(404)
  })

  it('maps each grid of the area with its polygon and its cases per week', async () => {
    const res = await s.http.get(`/api/console/heatmap?regionId=${jslId}&${period()}`, { token: centre })
    expect(res.status).toBe(200)
    expect(res.body.weeks).toEqual([{ from: today, to: today }])
    const byName = Object.fromEntries(res.body.grids.map((g: { name: string }) => [g.name, g]))
    expect(Object.keys(byName).sort()).toEqual(['和平第一网格', '幸福里第一网格', '幸福里第二网格'])
    expect(byName['幸福里第一网格']).toMatchObject({ community: '幸福里社区', filed: [2], overdue: [0] })
    expect(byName['和平第一网格'].filed).toEqual([1])
    // 0.008° × 0.008° at 27.86° N: 0.889 km × 0.787 km.
    expect(byName['幸福里第一网格'].areaKm2).toBeCloseTo(0.7, 1)
    expect(byName['幸福里第一网格'].polygon).toHaveLength(4)
  })
})
