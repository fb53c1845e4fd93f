import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import jsQR from 'jsqr'
import sharp from 'sharp'
import { seedPatrolDemo } from '../../db/seeds/patrols'
import { closeStalePatrolsJob } from '../../jobs/closeStalePatrols'
import { offsetBy } from '../../patrols/geo'
import { testDatabaseKinds } from '../../testing/databases'
import { checkInsAlong, demoRoute, newVolunteer, playPatrol, type DemoRoute } from '../../testing/patrolFlow'
import { walkThrough } from '../../testing/patrolTracks'
import { startTestServer, type TestServer } from '../../testing/server'

describe.each(testDatabaseKinds())('patrol workbench on %s', (kind) => {
  let s: TestServer
  let staff: string
  let staff2: string
  let route: DemoRoute
  const codeOf = (res: { body: any }) => res.body?.error?.code
  const regionId = async (code: string) => Number((await s.database.db('regions').where({ code }).first()).id)
  const post = (path: string, body: unknown, token: string) => s.http.post(path, body, { token, idempotencyKey: randomUUID() })

  beforeAll(async () => {
    s = await startTestServer(kind, { env: { ACCESS_TOKEN_TTL_SECONDS: String(7 * 24 * 3600) } })
    staff = await s.http.staffToken('staff')
    staff2 = await s.http.staffToken('staff2')
    route = await demoRoute(s, staff)
  })
  afterAll(async () => {
    await s?.close()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('creates a team in a community only, inside the account’s scope', async () => {
    const hp = await regionId('XT-YT-JSL-HP')
    const created = await post('/api/staff/patrol-teams', { regionId: hp, name: '和平护院队' }, staff2)
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ name: '和平护院队', region: { name: '和平社区' }, memberCount: 0, actions: ['manage'] })
    expect((await post('/api/staff/patrol-teams', { regionId: hp, name: '越权队伍' }, staff)).status).toBe(404)
    const street = await post('/api/staff/patrol-teams', { regionId: await regionId('XT-YT-JSL'), name: '街道队' }, await s.http.staffToken('centre'))
    expect(street.status).toBe(400)
    expect(codeOf(street)).toBe('PATROL_TEAM_REGION_INVALID')
    expect((await post('/api/staff/patrol-teams', { regionId: hp, name: '居民队' }, await s.http.residentToken())).status).toBe(404)

    const mine = await s.http.get('/api/patrol-teams', { token: staff })
    expect(mine.body.items.map((t: { name: string }) => t.name)).toEqual(['幸福里平安巡逻队'])
    const centre = await s.http.get('/api/patrol-teams', { token: await s.http.staffToken('centre') })
    expect(centre.body.items).toHaveLength(2)
  })

  it('runs applications: apply, list, accept (the resident becomes a volunteer) or decline, apply again', async () => {
    const resident = await s.http.residentToken()
    const teams = await s.http.get('/api/patrol-teams', { token: resident })
    const team = teams.body.items.find((t: { id: number }) => t.id === route.teamId)
    expect(team).toMatchObject({ myMembership: null, actions: ['apply'] })
    const applied = await post(`/api/patrol-teams/${route.teamId}/apply`, undefined, resident)
    expect(applied.status).toBe(201)
    expect(applied.body).toMatchObject({ status: 'applied', teamName: '幸福里平安巡逻队' })
    const twice = await post(`/api/patrol-teams/${route.teamId}/apply`, undefined, resident)
    expect(codeOf(twice)).toBe('PATROL_MEMBERSHIP_EXISTS')

    const pending = await s.http.get(`/api/staff/patrol-teams/${route.teamId}/memberships?status=applied`, { token: staff })
    expect(pending.body.items.map((m: { id: number }) => m.id)).toContain(applied.body.id)
    expect((await s.http.get(`/api/staff/patrol-teams/${route.teamId}/memberships`, { token: staff2 })).status).toBe(404)
    expect((await post(`/api/staff/patrol-memberships/${applied.body.id}/accept`, undefined, staff2)).status).toBe(404)

    const declined = await post(`/api/staff/patrol-memberships/${applied.body.id}/decline`, undefined, staff)
    expect(declined.body).toMatchObject({ status: 'declined' })
    expect(codeOf(await post(`/api/staff/patrol-memberships/${applied.body.id}/accept`, undefined, staff))).toBe('PATROL_MEMBERSHIP_DECIDED')
    expect((await s.http.get('/api/me', { token: resident })).body.role).toBe('resident')

    const again = await post(`/api/patrol-teams/${route.teamId}/apply`, undefined, resident)
    expect(again.body).toMatchObject({ id: applied.body.id, status: 'applied' })
    const accepted = await post(`/api/staff/patrol-memberships/${applied.body.id}/accept`, undefined, staff)
    expect(accepted.body).toMatchObject({ status: 'accepted' })
    expect((await s.http.get('/api/me', { token: resident })).body.role).toBe('volunteer')
    const after = await s.http.get('/api/patrol-teams', { token: resident })
    expect(after.body.items.find((t: { id: number }) => t.id === route.teamId)).toMatchObject({ myMembership: 'accepted', actions: ['patrol'] })
    // Volunteers see routes without the printable codes.
    const routes = await s.http.get(`/api/patrol-teams/${route.teamId}/routes`, { token: resident })
    expect(routes.body.items[0].checkpoints).toHaveLength(5)
    expect(routes.body.items[0].checkpoints[0].code).toBeUndefined()
    expect(routes.body.items[0].checkpoints[0].shortCode).toBeUndefined()
  })

  it('creates a route with checkpoints and prints its codes as a PNG sheet', async () => {
    const created = await post(`/api/staff/patrol-teams/${route.teamId}/routes`, {
      name: '幸福里白天路线',
      checkpoints: [
        { name: '东门岗亭', lat: 27.861, lng: 112.941, radiusM: 40 },
        { name: '西门岗亭', lat: 27.859, lng: 112.939, radiusM: 40 },
      ],
    }, staff)
    expect(created.status).toBe(201)
    expect(created.body.checkpoints.map((c: { seq: number; tokenVersion: number }) => [c.seq, c.tokenVersion])).toEqual([[1, 1], [2, 1]])
    expect(created.body.checkpoints[0].code).toMatch(/^AJP1\.\d+\.1\./)
    expect(created.body.checkpoints.map((c: { shortCode: string }) => c.shortCode)).toEqual([
      expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/), expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/),
    ])
    const invalid = await post(`/api/staff/patrol-teams/${route.teamId}/routes`, { name: '空', checkpoints: [] }, staff)
    expect(invalid.status).toBe(400)

    const sheet = await fetch(`${s.url}/api/staff/patrol-routes/${created.body.id}/qr-sheet.png`, { headers: { Authorization: `Bearer ${staff}` } })
    expect(sheet.status).toBe(200)
    expect(sheet.headers.get('content-type')).toBe('image/png')
    const png = Buffer.from(await sheet.arrayBuffer())
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
    const meta = await sharp(png).metadata()
    expect(meta.width).toBeGreaterThan(1000)
    // What a phone reads off the printout is the checkpoint's current code.
    for (const [i, checkpoint] of created.body.checkpoints.entries()) {
      const cell = await sharp(png).extract({ left: 40 + i * 600, top: 120, width: 600, height: 520 }).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
      const read = jsQR(new Uint8ClampedArray(cell.data), cell.info.width, cell.info.height)
      expect(read?.data).toBe(checkpoint.code)
    }
    for (const token of [staff2, await s.http.residentToken()]) {
      const denied = await fetch(`${s.url}/api/staff/patrol-routes/${created.body.id}/qr-sheet.png`, { headers: { Authorization: `Bearer ${token}` } })
      expect(denied.status).toBe(404)
    }
    expect((await fetch(`${s.url}/api/staff/patrol-routes/${created.body.id}/qr-sheet.png`)).status).toBe(401)
  })

  it('shows which checkpoints were visited today and this week', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const volunteer = await newVolunteer(s, staff, route.teamId)
    // Wednesday 25 Nov 2026, 10:00 China time, and the Monday before.
    const today = Date.UTC(2026, 10, 25, 2)
    const monday = Date.UTC(2026, 10, 23, 2)
    for (const [startMs, count] of [[monday, 2], [today, 3]] as const) {
      const walk = walkThrough(route.checkpoints, { startMs, speedMps: 1, pauseS: 240, seed: startMs % 97 })
      await playPatrol(s, volunteer, route, walk.points, { checkIns: checkInsAlong(walk, count) })
    }
    vi.setSystemTime(today + 3 * 60 * 60_000)
    const coverage = await s.http.get(`/api/staff/patrol-routes/${route.routeId}/coverage`, { token: staff })
    expect(coverage.status).toBe(200)
    expect(coverage.body.checkpoints.map((c: { visitsToday: number; visitsThisWeek: number }) => [c.visitsToday, c.visitsThisWeek])).toEqual([
      [1, 2], [1, 2], [1, 1], [0, 0], [0, 0],
    ])
    expect(coverage.body.checkpoints[3].lastVisitAt).toBeNull()
    expect((await s.http.get(`/api/staff/patrol-routes/${route.routeId}/coverage`, { token: staff2 })).status).toBe(404)
  })

  it('closes and judges a patrol left running past the configured hours, once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const startMs = Date.UTC(2026, 10, 26, 1)
    const walk = walkThrough(route.checkpoints, { startMs, speedMps: 1, pauseS: 240, seed: 5 })
    const run = await playPatrol(s, volunteer, route, walk.points, { checkIns: checkInsAlong(walk), finish: false })
    const services = { db: s.database.db, config: s.config, logger: s.app.services.logger }

    // Not yet stale: nothing happens.
    expect(await closeStalePatrolsJob.run(services, new Date(startMs + 2 * 60 * 60_000))).toEqual({ processed: 0 })
    const later = new Date(startMs + (s.config.patrol.staleHours + 1) * 60 * 60_000)
    expect(await closeStalePatrolsJob.run(services, later)).toEqual({ processed: 1 })
    expect(await closeStalePatrolsJob.run(services, later)).toEqual({ processed: 0 })

    const patrol = await s.http.get(`/api/patrols/${run.patrolId}`, { token: volunteer })
    expect(patrol.body).toMatchObject({ status: 'finished', autoClosed: true, judgement: { valid: true }, award: { status: 'pending' } })
    // It ended at the last sign of life, not when the job ran.
    expect(new Date(patrol.body.endedAt).getTime()).toBe(walk.points.at(-1)!.t)
    expect(patrol.body.judgement.reasons.map((r: { code: string }) => r.code)).toEqual(['AUTO_CLOSED'])
    const current = await s.http.get('/api/patrols/current', { token: volunteer })
    expect(current.body).toEqual({ patrol: null })
    // The volunteer may start again.
    vi.setSystemTime(later)
    const next = await post('/api/patrols', { teamId: route.teamId, routeId: route.routeId, location: { ...offsetBy(route.checkpoints[0]!, 5, 0), accuracy: 5 } }, volunteer)
    expect(next.status).toBe(201)
  })

  it('seeds the demo team once, however often the seed runs', async () => {
    const count = async () => Number((await s.database.db('patrol_checkpoints').count({ n: '*' }).first())!.n)
    const before = await count()
    await seedPatrolDemo(s.database.db)
    expect(await count()).toBe(before)
    expect(await s.database.db('patrol_teams').where({ name: '幸福里平安巡逻队' })).toHaveLength(1)
  })

  it('publishes the patrol endpoints in the OpenAPI document', async () => {
    const doc = await s.http.get('/api/openapi.json')
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining([
      '/api/patrols', '/api/patrols/{id}/track', '/api/patrols/{id}/check-ins', '/api/staff/patrol-teams/{id}/routes',
    ]))
  })
})
