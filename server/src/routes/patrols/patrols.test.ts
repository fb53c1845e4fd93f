import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEMO_PATROL_CHECKPOINTS } from '../../db/seeds/patrols'
import { offsetBy } from '../../patrols/geo'
import { testDatabaseKinds } from '../../testing/databases'
import { checkInsAlong, demoRoute, newVolunteer, playPatrol, type DemoRoute } from '../../testing/patrolFlow'
import { walkThrough } from '../../testing/patrolTracks'
import { startTestServer, type TestServer } from '../../testing/server'

/** Today, in simulated time, at 09:00 UTC (17:00 in China): patrols in these tests all fall on one China day. */
const DAY = Date.UTC(2026, 10, 25, 9, 0)
const minutes = (n: number) => n * 60_000
const walk40 = (startMs: number, seed = 1) =>
  walkThrough([...DEMO_PATROL_CHECKPOINTS], { startMs, speedMps: 1, pauseS: 240, intervalS: 10, seed })

describe.each(testDatabaseKinds())('volunteer patrols on %s', (kind) => {
  let s: TestServer
  let staff: string
  let route: DemoRoute
  const codeOf = (res: { body: any }) => res.body?.error?.code

  beforeAll(async () => {
    s = await startTestServer(kind, { env: { ACCESS_TOKEN_TTL_SECONDS: String(7 * 24 * 3600) } })
    staff = await s.http.staffToken('staff')
    route = await demoRoute(s, staff)
  })
  afterAll(async () => {
    await s?.close()
  })
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('judges a 40-minute walk through the five checkpoints valid, proposes the award once, and shows the record', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const walk = walk40(DAY)
    const run = await playPatrol(s, volunteer, route, walk.points, { checkIns: checkInsAlong(walk) })
    expect(run.checkIns.map((c) => [c.status, c.body.accepted])).toEqual(Array(5).fill([201, true]))
    expect(run.finish!.status).toBe(200)
    const patrol = run.finish!.body
    expect(patrol).toMatchObject({
      status: 'finished', autoClosed: false,
      judgement: { valid: true, rewardable: true, summary: '有效巡逻', reasons: [], checkpointsDone: 5, checkpointsTotal: 5, pointCount: walk.points.length },
      award: { status: 'pending', points: 10 },
    })
    expect(patrol.judgement.durationS).toBeGreaterThan(38 * 60)
    expect(patrol.checkpoints.every((c: { done: boolean }) => c.done)).toBe(true)

    const history = await s.http.get('/api/patrols', { token: volunteer })
    expect(history.body.items).toHaveLength(1)
    expect(history.body.items[0]).toMatchObject({ id: run.patrolId, valid: true, summary: '有效巡逻', checkpointsDone: 5, award: { status: 'pending' } })
    expect(history.body.items[0].distanceM).toBeGreaterThan(1400)
    const track = await s.http.get(`/api/patrols/${run.patrolId}/track`, { token: volunteer })
    expect(track.body.datum).toBe('gcj02')
    expect(track.body.points).toHaveLength(walk.points.length)
    expect(track.body.points[0].t).toBe(walk.points[0]!.t)

    // Batches were folded into one compact row; the award has this patrol as its one source.
    const folded = await s.database.db('patrol_tracks').where({ patrol_id: run.patrolId }).first()
    expect(folded.point_count).toBe(walk.points.length)
    expect(Buffer.from(folded.points).length).toBeLessThan(walk.points.length * 6)
    expect(await s.database.db('patrol_track_batches').where({ patrol_id: run.patrolId }).count({ n: '*' }).first()).toMatchObject({ n: 0 })
    const awards = await s.database.db('awards').where({ source_type: 'patrol', source_id: String(run.patrolId) })
    expect(awards).toHaveLength(1)

    // The review list shows it with its award's status.
    const review = await s.http.get('/api/staff/patrols', { token: staff })
    expect(review.body.items.find((p: { id: number }) => p.id === run.patrolId)).toMatchObject({ valid: true, award: { status: 'pending', points: 10 } })
    const elsewhere = await s.http.get('/api/staff/patrols', { token: await s.http.staffToken('staff2') })
    expect(elsewhere.body.items.find((p: { id: number }) => p.id === run.patrolId)).toBeUndefined()
    expect((await s.http.get(`/api/patrols/${run.patrolId}`, { token: await s.http.staffToken('staff2') })).status).toBe(404)
    expect((await s.http.get(`/api/patrols/${run.patrolId}`, { token: await s.http.residentToken() })).status).toBe(404)
  })

  it('judges a teleport invalid', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const walk = walk40(DAY + minutes(60), 2)
    const points = walk.points.map((p, i) => (i === 90 ? { ...p, ...offsetBy(p, 3000, 120) } : p))
    const run = await playPatrol(s, volunteer, route, points, { checkIns: checkInsAlong(walk) })
    expect(run.finish!.body.judgement).toMatchObject({ valid: false, rewardable: false })
    expect(run.finish!.body.judgement.reasons.map((r: { code: string }) => r.code)).toEqual(['TELEPORT'])
    expect(run.finish!.body.judgement.summary).toMatch(/^无效巡逻：轨迹在 \d+ 秒内跳跃了 3\.0 公里/)
    expect(run.finish!.body.award).toBeNull()
  })

  it('judges a segment at car speed invalid', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const walk = walk40(DAY + minutes(120), 3)
    // Six minutes at 15 m/s along the way: about 5 km/h becomes 54 km/h.
    const points = walk.points.map((p, i) => (i < 100 ? p : { ...p, ...offsetBy(p, Math.min(i - 100, 36) * 150, 300) }))
    const run = await playPatrol(s, volunteer, route, points, { checkIns: checkInsAlong(walk, 3) })
    expect(run.finish!.body.judgement.valid).toBe(false)
    expect(run.finish!.body.judgement.reasons.map((r: { code: string }) => r.code)).toContain('TOO_FAST')
  })

  it('records a code replayed 3 km away as a refused check-in and judges the patrol invalid', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const walk = walk40(DAY + minutes(180), 4)
    const far = { ...offsetBy(route.checkpoints[4]!, 3000, 200), accuracy: 15 }
    const plans = checkInsAlong(walk)
    plans[4] = { ...plans[4]!, location: far }
    const run = await playPatrol(s, volunteer, route, walk.points, { checkIns: plans })
    expect(run.checkIns[4]).toMatchObject({ status: 201, body: { accepted: false, checkpointName: '幸福里第二网格活动室' } })
    expect(run.checkIns[4]!.body.distanceM).toBeGreaterThan(2900)
    expect(run.checkIns[4]!.body.message).toMatch(/超出签到范围/)
    const j = run.finish!.body.judgement
    expect(j).toMatchObject({ valid: false, checkpointsDone: 4 })
    expect(j.reasons).toEqual([{ code: 'REMOTE_SCAN', message: '在距检查点「幸福里第二网格活动室」3.0 公里处扫码，疑似翻拍二维码' }])
  })

  it('judges a patrol with 1 of 5 checkpoints invalid', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const walk = walk40(DAY + minutes(240), 5)
    const run = await playPatrol(s, volunteer, route, walk.points, { checkIns: checkInsAlong(walk, 1) })
    expect(run.finish!.body.judgement.reasons).toEqual([{ code: 'TOO_FEW_CHECKPOINTS', message: '签到了 1/5 个检查点，至少需要 3 个' }])
    expect(run.finish!.body.checkpoints.filter((c: { done: boolean }) => c.done)).toHaveLength(1)
  })

  it('refuses a second patrol while one runs, and judges a patrol overlapping another invalid', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const walk = walk40(DAY + minutes(300), 6)
    const run = await playPatrol(s, volunteer, route, walk.points, { checkIns: checkInsAlong(walk), finish: false })
    const before = await s.database.db('patrols').count({ n: '*' }).first()
    const again = await s.http.post('/api/patrols', {
      teamId: route.teamId, routeId: route.routeId, location: { lat: 27.86, lng: 112.94, accuracy: 10 },
    }, { token: volunteer })
    expect(again.status).toBe(409)
    expect(codeOf(again)).toBe('PATROL_ALREADY_RUNNING')
    expect(again.body.error.details).toEqual({ patrolId: run.patrolId })
    expect(await s.database.db('patrols').count({ n: '*' }).first()).toEqual(before)

    // A patrol recorded for the same volunteer over the same hour (as from a second phone before the guard).
    const mine = await s.database.db('patrols').where({ id: run.patrolId }).first()
    const [otherId] = await s.database.db('patrols').insert({
      ...mine, id: undefined, status: 'finished', running_user_id: null,
      started_at: new Date(DAY + minutes(310)), ended_at: new Date(DAY + minutes(330)), valid: false,
    })
    vi.setSystemTime(walk.points.at(-1)!.t + 5000)
    const finished = await s.http.post(`/api/patrols/${run.patrolId}/finish`, undefined, { token: volunteer })
    expect(finished.body.judgement.reasons).toEqual([{ code: 'OVERLAP', message: `与本人另一次巡逻（编号 ${Number(otherId)}）时间重叠` }])
    expect(finished.body.award).toBeNull()
  })

  it('stores a batch sent twice once, refuses other points under the same number, and answers a resend after finish', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const walk = walk40(DAY + minutes(360), 7)
    const run = await playPatrol(s, volunteer, route, walk.points, { checkIns: checkInsAlong(walk), finish: false })
    const batch = { batchSeq: 3, points: walk.points.slice(12, 18) }
    const resent = await s.http.post(`/api/patrols/${run.patrolId}/track`, batch, { token: volunteer })
    expect(resent.status).toBe(200)
    expect(resent.body).toEqual({ batchSeq: 3, pointCount: 6, duplicate: true })
    const other = await s.http.post(`/api/patrols/${run.patrolId}/track`, { batchSeq: 3, points: walk.points.slice(0, 6) }, { token: volunteer })
    expect(other.status).toBe(409)
    expect(codeOf(other)).toBe('PATROL_TRACK_BATCH_CONFLICT')
    const rows = await s.database.db('patrol_track_batches').where({ patrol_id: run.patrolId }).count({ n: '*' }).first()
    expect(Number(rows!.n)).toBe(Math.ceil(walk.points.length / 6))

    vi.setSystemTime(walk.points.at(-1)!.t + 5000)
    const finished = await s.http.post(`/api/patrols/${run.patrolId}/finish`, undefined, { token: volunteer })
    expect(finished.body.judgement).toMatchObject({ valid: true, pointCount: walk.points.length })
    const afterFinish = await s.http.post(`/api/patrols/${run.patrolId}/track`, batch, { token: volunteer })
    expect(afterFinish.body).toMatchObject({ duplicate: true })
    const late = await s.http.post(`/api/patrols/${run.patrolId}/track`, { batchSeq: 999, points: walk.points.slice(0, 2) }, { token: volunteer })
    expect(codeOf(late)).toBe('PATROL_NOT_RUNNING')
    const track = await s.http.get(`/api/patrols/${run.patrolId}/track`, { token: volunteer })
    expect(track.body.points).toHaveLength(walk.points.length)
  })

  it('rewards at most the daily cap of valid patrols, and the ranking counts them', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const results = []
    for (let i = 0; i < 3; i++) {
      const walk = walk40(DAY + minutes(420 + i * 50), 10 + i)
      results.push((await playPatrol(s, volunteer, route, walk.points, { checkIns: checkInsAlong(walk) })).finish!.body)
    }
    expect(results.map((p) => [p.judgement.valid, p.judgement.rewardable, p.award?.status ?? null])).toEqual([
      [true, true, 'pending'], [true, true, 'pending'], [true, false, null],
    ])
    expect(results[2].judgement.reasons.map((r: { code: string }) => r.code)).toEqual(['DAILY_CAP_REACHED'])

    const ranking = await s.http.get(`/api/patrol-teams/${route.teamId}/ranking?month=2026-11`, { token: volunteer })
    expect(ranking.status).toBe(200)
    expect(ranking.body.items[0]).toMatchObject({ rank: 1, patrols: 3, checkpoints: 15 })
    expect(ranking.body.items[0].hours).toBeGreaterThan(1.9)
    const october = await s.http.get(`/api/patrol-teams/${route.teamId}/ranking?month=2026-10`, { token: volunteer })
    expect(october.body.items).toEqual([])
  })

  it('refuses forged, retired and foreign codes without storing anything, and rotation retires old printouts', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const walk = walk40(DAY + minutes(600), 20)
    const run = await playPatrol(s, volunteer, route, walk.points.slice(0, 12), { finish: false })
    const checkpoint = route.checkpoints[0]!
    const at = { ...offsetBy(checkpoint, 5, 0), accuracy: 8 }
    const send = (code: string) => s.http.post(`/api/patrols/${run.patrolId}/check-ins`, { code, location: at }, { token: volunteer, idempotencyKey: randomUUID() })
    const forged = checkpoint.code.slice(0, -2) + (checkpoint.code.endsWith('AA') ? 'BB' : 'AA')
    expect(codeOf(await send(forged))).toBe('PATROL_CODE_INVALID')
    expect(codeOf(await send('https://example.com/not-ours'))).toBe('PATROL_CODE_INVALID')
    expect(codeOf(await send(checkpoint.code.replace(/^AJP1\.(\d+)\.1\./, 'AJP1.$1.2.')))).toBe('PATROL_CODE_INVALID')

    const rotated = await s.http.post(`/api/staff/patrol-checkpoints/${checkpoint.id}/rotate-token`, undefined, { token: staff })
    expect(rotated.status).toBe(200)
    expect(rotated.body).toMatchObject({ id: checkpoint.id, tokenVersion: 2 })
    expect(rotated.body.code).not.toBe(checkpoint.code)
    const old = await send(checkpoint.code)
    expect(old.status).toBe(409)
    expect(codeOf(old)).toBe('PATROL_CODE_RETIRED')
    expect(old.body.error.message).toBe('该二维码已更换，请扫描现场最新的二维码')
    expect(await s.database.db('patrol_check_ins').where({ patrol_id: run.patrolId }).count({ n: '*' }).first()).toMatchObject({ n: 0 })

    const fresh = await send(rotated.body.code)
    expect(fresh.status).toBe(201)
    expect(fresh.body).toMatchObject({ accepted: true, checkpointId: checkpoint.id })
    // Scanning it again answers the same check-in.
    expect((await send(rotated.body.code)).body.id).toBe(fresh.body.id)
    route.checkpoints[0] = { ...checkpoint, code: rotated.body.code }

    // Only managing staff rotate codes.
    expect((await s.http.post(`/api/staff/patrol-checkpoints/${checkpoint.id}/rotate-token`, undefined, { token: await s.http.staffToken('staff2') })).status).toBe(404)
    expect((await s.http.post(`/api/staff/patrol-checkpoints/${checkpoint.id}/rotate-token`, undefined, { token: volunteer })).status).toBe(404)
  })

  it('checks in with the short code printed under the QR code, typed in any case and with separators', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const walk = walk40(DAY + minutes(660), 21)
    const run = await playPatrol(s, volunteer, route, walk.points.slice(0, 12), { finish: false })
    const send = (code: string, checkpoint = route.checkpoints[1]!) =>
      s.http.post(`/api/patrols/${run.patrolId}/check-ins`, { code, location: { ...offsetBy(checkpoint, 6, 90), accuracy: 8 } }, { token: volunteer, idempotencyKey: randomUUID() })
    const checkpoint = route.checkpoints[1]!
    expect(checkpoint.shortCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)

    // What the volunteer sees while walking: the server's thresholds, not the app's guess.
    const live = await s.http.get(`/api/patrols/${run.patrolId}`, { token: volunteer })
    expect(live.body.requirements).toEqual({ minDurationMinutes: 20, minCheckpoints: 3 })

    // Wrong codes of the short shape answer in words that fit typing; nothing is stored.
    const wrong = await send('ABCD-EFGH')
    expect(wrong.status).toBe(400)
    expect(codeOf(wrong)).toBe('PATROL_SHORT_CODE_INVALID')
    expect(wrong.body.error.message).toBe('签到编号不对或已更换，请核对检查点二维码下方的 8 位编号')
    const otherRoute = await s.http.post(`/api/staff/patrol-teams/${route.teamId}/routes`, {
      name: '幸福里短码路线', checkpoints: [{ name: '南门岗亭', lat: checkpoint.lat, lng: checkpoint.lng, radiusM: 50 }],
    }, { token: staff, idempotencyKey: randomUUID() })
    expect(codeOf(await send(otherRoute.body.checkpoints[0].shortCode))).toBe('PATROL_SHORT_CODE_INVALID')
    expect(codeOf(await send('K7QM-3XP'))).toBe('PATROL_CODE_INVALID')
    expect(await s.database.db('patrol_check_ins').where({ patrol_id: run.patrolId }).count({ n: '*' }).first()).toMatchObject({ n: 0 })

    const typed = ` ${checkpoint.shortCode.toLowerCase().replace('-', ' - ')} `
    const accepted = await send(typed)
    expect(accepted.status).toBe(201)
    expect(accepted.body).toMatchObject({ accepted: true, checkpointId: checkpoint.id, checkpointName: '幸福里小区北门' })
    // The same checkpoint by its QR code answers the same check-in.
    expect((await send(checkpoint.code)).body.id).toBe(accepted.body.id)
    const stored = await s.database.db('patrol_check_ins').where({ patrol_id: run.patrolId })
    expect(stored.map((c) => [Number(c.checkpoint_id), Boolean(c.token_current), Boolean(c.within_radius)])).toEqual([[checkpoint.id, true, true]])

    // Rotating the QR code retires its short code too.
    const third = route.checkpoints[2]!
    const rotated = await s.http.post(`/api/staff/patrol-checkpoints/${third.id}/rotate-token`, undefined, { token: staff })
    expect(rotated.body.shortCode).not.toBe(third.shortCode)
    expect(codeOf(await send(third.shortCode, third))).toBe('PATROL_SHORT_CODE_INVALID')
    expect((await send(rotated.body.shortCode.replace('-', ''), third)).body).toMatchObject({ accepted: true, checkpointId: third.id })
    route.checkpoints[2] = { ...third, code: rotated.body.code, shortCode: rotated.body.shortCode }
  })

  it('reports a hazard from the live patrol, linked to the patrol and the checkpoint', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const walk = walk40(DAY + minutes(720), 30)
    const run = await playPatrol(s, volunteer, route, walk.points.slice(0, 30), { finish: false })
    const checkpoint = route.checkpoints[1]!
    const report = {
      kind: 'hazard', categoryCode: 'fire_safety', text: '小区北门消防通道被电动车堵住',
      location: { lat: checkpoint.lat, lng: checkpoint.lng, address: checkpoint.name }, occurredAt: new Date().toISOString(),
    }
    const res = await s.http.post(`/api/patrols/${run.patrolId}/hazards`, { report, checkpointId: checkpoint.id }, { token: volunteer, idempotencyKey: randomUUID() })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ patrolId: run.patrolId, checkpointId: checkpoint.id, duplicate: false })
    const kase = await s.database.db('cases').where({ id: res.body.caseId }).first()
    expect(kase).toMatchObject({ kind: 'hazard', category_code: 'fire_safety' })
    const view = await s.http.get(`/api/patrols/${run.patrolId}`, { token: volunteer })
    expect(view.body.hazards).toEqual([{ caseId: res.body.caseId, checkpointId: checkpoint.id }])

    const violation = await s.http.post(`/api/patrols/${run.patrolId}/hazards`, { report: { ...report, kind: 'violation', categoryCode: 'street_vending' } }, { token: volunteer })
    expect(violation.status).toBe(400)
    const foreign = await s.http.post(`/api/patrols/${run.patrolId}/hazards`, { report, checkpointId: 999_999 }, { token: volunteer })
    expect(codeOf(foreign)).toBe('PATROL_CHECKPOINT_NOT_ON_ROUTE')
    const strangerToken = await s.http.residentToken()
    const stranger = await s.http.post(`/api/patrols/${run.patrolId}/hazards`, { report }, { token: strangerToken })
    expect(stranger.status).toBe(404)
    // Nobody else may add to, check in on, or end someone's patrol.
    expect((await s.http.post(`/api/patrols/${run.patrolId}/track`, { batchSeq: 99, points: walk.points.slice(0, 2) }, { token: strangerToken })).status).toBe(404)
    expect((await s.http.post(`/api/patrols/${run.patrolId}/check-ins`, { code: checkpoint.code, location: { lat: checkpoint.lat, lng: checkpoint.lng } }, { token: strangerToken })).status).toBe(404)
    expect((await s.http.post(`/api/patrols/${run.patrolId}/finish`, undefined, { token: strangerToken })).status).toBe(404)
    expect(await s.database.db('patrol_hazard_reports').where({ patrol_id: run.patrolId }).count({ n: '*' }).first()).toMatchObject({ n: 1 })

    vi.setSystemTime(walk.points[29]!.t + 5000)
    await s.http.post(`/api/patrols/${run.patrolId}/finish`, undefined, { token: volunteer })
    const late = await s.http.post(`/api/patrols/${run.patrolId}/hazards`, { report }, { token: volunteer })
    expect(codeOf(late)).toBe('PATROL_NOT_RUNNING')
  })

  it('lets only accepted volunteers start, on their own team’s routes', async () => {
    const outsider = await s.http.residentToken()
    const res = await s.http.post('/api/patrols', { teamId: route.teamId, routeId: route.routeId, location: { lat: 27.86, lng: 112.94 } }, { token: outsider })
    expect(res.status).toBe(403)
    expect(codeOf(res)).toBe('PATROL_NOT_MEMBER')
    expect(res.body.error.message).toBe('你还不是该巡逻队的队员，请先申请加入')
    const routes = await s.http.get(`/api/patrol-teams/${route.teamId}/routes`, { token: outsider })
    expect(codeOf(routes)).toBe('PATROL_NOT_MEMBER')
    const bad = await s.http.post('/api/patrols', { teamId: route.teamId, routeId: route.routeId, location: { lat: 127, lng: 112.94 } }, { token: outsider })
    expect(bad.status).toBe(400)
  })
})
