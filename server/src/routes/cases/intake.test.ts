import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileReport, HP_G1, reportBody, XFL_G1 } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

/** Metres north of a point, in degrees of latitude. */
const north = (p: { lat: number; lng: number }, metres: number) => ({ ...p, lat: p.lat + metres / 111_195 })

/**
 * Intake as a resident lives it: a likely duplicate is offered, never imposed, and never reveals another
 * reporter; the grid a report goes to is shown and can be corrected.
 */
describe.each(testDatabaseKinds())('report intake on %s', (kind) => {
  let s: TestServer
  let staff: string
  let centre: string

  beforeAll(async () => {
    s = await startTestServer(kind, { env: { REPORTS_PER_HOUR: '100', REPORTS_PER_DAY: '100' } })
    staff = await s.http.staffToken('staff')
    centre = await s.http.staffToken('centre')
  })
  afterAll(async () => {
    await s?.close()
  })

  const candidates = (token: string, q: Record<string, string | number>) =>
    s.http.get(`/api/cases/candidates?${new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)]))}`, { token })

  it('offers an open case of the same category nearby, showing nothing of its reporter, and files anew unless asked to follow', async () => {
    const first = await s.http.residentToken()
    const second = await s.http.residentToken()
    const body = reportBody({ text: '三栋楼下烧烤摊油烟和噪音到凌晨两点', location: { ...reportBody().location, address: '幸福里 3 栋 1 单元 502 室楼下' } })
    const original = (await fileReport(s, first, body)).body.case
    const near = north(body.location, 20)

    const offered = await candidates(second, { categoryCode: 'noise', lat: near.lat, lng: near.lng })
    expect(offered.status).toBe(200)
    expect(offered.body.items).toEqual([
      expect.objectContaining({ id: original.id, number: original.number, category: { code: 'noise', name: '噪音扰民' }, status: 'submitted' }),
    ])
    expect(offered.body.items[0].distanceM).toBeGreaterThanOrEqual(10)
    expect(offered.body.items[0].distanceM).toBeLessThanOrEqual(30)
    const shown = JSON.stringify(offered.body)
    expect(shown).not.toContain('烧烤摊')
    expect(shown).not.toContain('502 室')
    expect(shown).not.toContain(String(body.location.lat))
    // Another category at the same spot is another problem.
    expect((await candidates(second, { categoryCode: 'sanitation', lat: near.lat, lng: near.lng })).body.items).toEqual([])

    // 不是同一问题: a case of its own, linked for the handlers only.
    const anew = await fileReport(s, second, { text: '广场舞音响太吵，晚上十点后还在放', location: { ...near, address: '幸福里广场' } })
    expect(anew.status).toBe(201)
    expect(anew.body.duplicate).toBe(false)
    expect(anew.body.case.id).not.toBe(original.id)
    expect(anew.body.case.relatedCase).toBeNull()
    const handled = await s.http.get(`/api/cases/${anew.body.case.id}`, { token: staff })
    expect(handled.body.relatedCase).toEqual({ id: original.id, number: original.number })

    // 是同一问题: the resident follows the original and sees its progress, not its reporter's words, photos or place.
    const third = await s.http.residentToken()
    const followed = await fileReport(s, third, { text: '楼下烧烤摊太吵了，每天都到很晚', location: { ...near, address: '我家楼下' }, followCaseId: original.id })
    expect(followed.status).toBe(201)
    expect(followed.body).toMatchObject({ duplicate: true, case: { id: original.id, relation: 'follower', visibility: 'summary', text: '', photos: [] } })
    const seen = await s.http.get(`/api/cases/${original.id}`, { token: third })
    expect(seen.status).toBe(200)
    const seenText = JSON.stringify(seen.body)
    expect(seenText).not.toContain('烧烤摊油烟')
    expect(seenText).not.toContain('502 室')
    expect(seen.body.location.address).toBe('幸福里第一网格附近')
    expect(Math.abs(seen.body.location.lat - body.location.lat)).toBeLessThan(0.001)
    expect(seen.body.location.lat).toBe(Number(body.location.lat.toFixed(3)))
    // Their own words stay theirs; the original reporter does not see them either.
    expect(seen.body.timeline.find((e: { kind: string }) => e.kind === 'follow').note).toBe('楼下烧烤摊太吵了，每天都到很晚')
    const reporterView = await s.http.get(`/api/cases/${original.id}`, { token: first })
    expect(reporterView.body.visibility).toBe('full')
    expect(JSON.stringify(reporterView.body)).not.toContain('每天都到很晚')
    // Handlers see everything that was reported.
    const staffView = await s.http.get(`/api/cases/${original.id}`, { token: staff })
    expect(staffView.body.timeline.map((e: { note: string | null }) => e.note)).toContain('楼下烧烤摊太吵了，每天都到很晚')
  })

  it('never offers or reveals a confidential clue, and links it for the centre only', async () => {
    const first = await s.http.residentToken()
    const second = await s.http.residentToken()
    const clue = { kind: 'hazard', categoryCode: 'drug_clue', text: '某出租屋夜间人员频繁出入，疑似吸毒', location: { ...XFL_G1, address: '幸福里 7 栋 301 出租屋' } }
    const original = (await fileReport(s, first, clue)).body.case
    const near = north(XFL_G1, 15)

    expect((await candidates(second, { categoryCode: 'drug_clue', lat: near.lat, lng: near.lng })).body.items).toEqual([])
    const forced = await fileReport(s, second, { ...clue, text: '7 栋出租屋有人聚众吸毒', location: { ...near, address: '7 栋' }, followCaseId: original.id })
    expect(forced.status).toBe(409)
    expect(forced.body.error.code).toBe('CASE_NOT_FOLLOWABLE')
    expect(JSON.stringify(forced.body)).not.toContain('疑似吸毒')

    const own = await fileReport(s, second, { ...clue, text: '7 栋出租屋有人聚众吸毒', location: { ...near, address: '7 栋' } })
    expect(own.status).toBe(201)
    expect(own.body.duplicate).toBe(false)
    expect(own.body.case.id).not.toBe(original.id)
    const mine = JSON.stringify((await s.http.get(`/api/cases/${own.body.case.id}`, { token: second })).body)
    expect(mine).not.toContain('疑似吸毒')
    expect(mine).not.toContain(original.number)
    expect((await s.http.get(`/api/cases/${original.id}`, { token: second })).status).toBe(404)
    expect((await s.http.get(`/api/cases/${own.body.case.id}`, { token: centre })).body.relatedCase).toEqual({ id: original.id, number: original.number })
    expect((await s.http.get(`/api/cases/${own.body.case.id}`, { token: staff })).status).toBe(404)
  })

  it('never offers an anonymous report to other residents', async () => {
    const first = await s.http.residentToken()
    const body = reportBody({ categoryCode: 'facility_damage', text: '路灯坏了一个多星期没人修', anonymous: true })
    const original = (await fileReport(s, first, body)).body.case
    const near = north(body.location, 10)
    expect((await candidates(await s.http.residentToken(), { categoryCode: 'facility_damage', lat: near.lat, lng: near.lng })).body.items).toEqual([])
    const forced = await fileReport(s, await s.http.residentToken(), { categoryCode: 'facility_damage', location: { ...near, address: '路灯' }, followCaseId: original.id })
    expect(forced.status).toBe(409)
  })

  it('needs place and time as well as the plate before calling a vehicle report a duplicate', async () => {
    const first = await s.http.residentToken()
    const second = await s.http.residentToken()
    const parking = { kind: 'violation', categoryCode: 'illegal_parking', plate: '湘C66666' }
    const original = (await fileReport(s, first, { ...parking, location: { ...XFL_G1, address: '幸福里东门' } })).body.case
    // The same plate across the district: another report.
    expect((await candidates(second, { categoryCode: 'illegal_parking', lat: HP_G1.lat, lng: HP_G1.lng, plate: '湘C 66666' })).body.items).toEqual([])
    const far = await fileReport(s, second, { ...parking, plate: '湘C 66666', location: { ...HP_G1, address: '和平路' }, followCaseId: original.id })
    expect(far.status).toBe(409)
    // Down the same street a few minutes later: offered.
    const nearby = north(XFL_G1, 150)
    expect((await candidates(second, { categoryCode: 'illegal_parking', lat: nearby.lat, lng: nearby.lng, plate: '湘c66666' })).body.items.map((c: { id: number }) => c.id)).toEqual([original.id])
  })

  it('answers simultaneous follows of one case by one resident as follows, counting them once', async () => {
    const first = await s.http.residentToken()
    const body = reportBody({ categoryCode: 'sanitation', text: '垃圾桶满了三天没人清运，气味很大' })
    const original = (await fileReport(s, first, body)).body.case
    const follower = await s.http.residentToken()
    const answers = await Promise.all(Array.from({ length: 8 }, () =>
      fileReport(s, follower, { categoryCode: 'sanitation', text: '垃圾一直没人清运', location: { ...north(body.location, 5), address: '垃圾站' }, followCaseId: original.id }, `f-${randomUUID()}`)))
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201))
    expect(answers.every((a) => a.body.duplicate && a.body.case.id === original.id)).toBe(true)
    const row = await s.database.db('cases').where({ id: original.id }).first()
    expect(Number(row.follower_count)).toBe(1)
    expect(await s.database.db('case_followers').where({ case_id: original.id, relation: 'follower' })).toHaveLength(1)
  })

  it('takes the words a clue category exists for, and sends them to the centre', async () => {
    const resident = await s.http.residentToken()
    const filed = await fileReport(s, resident, { kind: 'hazard', categoryCode: 'drug_clue', text: '疑似冰毒出售，夜间有陌生人进出交易', location: { ...north(XFL_G1, 300), address: '幸福里 9 栋' } })
    expect(filed.status).toBe(201)
    expect(filed.body.case.region.name).toBe('建设路街道')
    // The same words in an ordinary complaint are still refused.
    const refused = await fileReport(s, resident, { text: '有人在小区冰毒出售，请处理' })
    expect(refused.status).toBe(422)
    expect(refused.body.error.code).toBe('CONTENT_REJECTED')
  })

  it('shows the grids around a position and lets the resident send the case to the one they mean', async () => {
    const resident = await s.http.residentToken()
    // Just inside 和平第一网格, 40 m south of 幸福里第一网格.
    const here = { lat: 27.8576, lng: 112.9400 }
    const around = await s.http.get(`/api/grids/nearby?lat=${here.lat}&lng=${here.lng}`, { token: resident })
    expect(around.status).toBe(200)
    expect(around.body.items[0]).toMatchObject({ grid: { name: '和平第一网格' }, community: { name: '和平社区' }, inside: true, distanceM: 0 })
    const names = around.body.items.map((g: { grid: { name: string } }) => g.grid.name)
    expect(names).toEqual(expect.arrayContaining(['和平第一网格', '幸福里第一网格', '幸福里第二网格']))
    expect(around.body.items.find((g: { grid: { name: string } }) => g.grid.name === '幸福里第一网格').polygon).toHaveLength(4)

    const mine = around.body.items.find((g: { grid: { name: string } }) => g.grid.name === '幸福里第一网格')
    const corrected = await fileReport(s, resident, { categoryCode: 'neighbour_dispute', text: '楼上邻居长期深夜装修', location: { ...here, address: '幸福里 1 栋' }, gridId: mine.grid.id })
    expect(corrected.status).toBe(201)
    expect(corrected.body.case).toMatchObject({ grid: { name: '幸福里第一网格' }, region: { name: '幸福里社区' } })
    expect((await s.http.get(`/api/cases/${corrected.body.case.id}`, { token: staff })).status).toBe(200)
    // Left alone, the position decides.
    const located = await fileReport(s, resident, { categoryCode: 'neighbour_dispute', text: '隔壁邻居噪音纠纷', location: { ...north(here, -60), address: '和平路' } })
    expect(located.body.case.region.name).toBe('和平社区')

    const far = await fileReport(s, resident, { categoryCode: 'neighbour_dispute', text: '隔壁邻居噪音纠纷', location: { lat: 27.80, lng: 112.90, address: '别处' }, gridId: mine.grid.id })
    expect(far.status).toBe(400)
    expect(far.body.error.code).toBe('GRID_TOO_FAR')
  })
})
