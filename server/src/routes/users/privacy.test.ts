import crypto from 'node:crypto'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { purgePatrolTracks } from '../../jobs/purgePatrolTracks'
import { purgeUploadOriginals } from '../../jobs/purgeUploadOriginals'
import { verifyLedger } from '../../ledger'
import { fileReport, jpegWithGps, uploadPhoto } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { demoRoute, newVolunteer, playPatrol, type DemoRoute } from '../../testing/patrolFlow'
import { DEMO_PATROL_CHECKPOINTS } from '../../db/seeds/patrols'
import { walkThrough } from '../../testing/patrolTracks'
import { startTestServer, type TestServer } from '../../testing/server'
import { startTestUploadStore, withUploadStores, type TestUploadStore } from '../../testing/uploadStores'

const DAY = 24 * 60 * 60 * 1000

describe.each(withUploadStores(testDatabaseKinds()))('personal data (PIPL) on %s, %s store', (kind, storeKind) => {
  let s: TestServer
  let store: TestUploadStore
  let staff: string
  let route: DemoRoute

  beforeAll(async () => {
    store = await startTestUploadStore(storeKind)
    s = await startTestServer(kind, { env: store.env })
    staff = await s.http.staffToken('staff')
    route = await demoRoute(s, staff)
  })
  afterAll(async () => {
    await s?.close()
    await store?.close()
  })

  const devLogin = async (handle: string) => (await s.http.post('/api/auth/dev', { handle })).body as { accessToken: string; refreshToken: string; user: { id: number } }
  const me = async (token: string) => (await s.http.get('/api/me', { token })).body as { id: number }
  const key = () => `k-${Math.random().toString(36).slice(2)}-${Date.now()}`

  it('exports what we hold about a resident, and only theirs, never cached', async () => {
    const resident = await s.http.residentToken()
    const photo = (await uploadPhoto(s, resident, await jpegWithGps())).body
    const filed = await fileReport(s, resident, { text: '小区门口井盖松动，夜里有人绊倒', photoIds: [photo.id] })
    expect(filed.status).toBe(201)
    const other = await s.http.residentToken()
    await fileReport(s, other, { text: '别人的诉求：楼道灯坏了很久' })
    await s.make.givePoints((await me(resident)).id, 25)
    await s.database.db('notifications').insert({
      id: crypto.randomUUID(), user_id: (await me(resident)).id, kind: 'case_progress', title: '诉求已受理', body: '您反映的井盖问题已受理', created_at: new Date(),
    })

    const res = await s.http.get('/api/me/data', { token: resident })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const data = res.body
    expect(data.account).toMatchObject({ id: (await me(resident)).id, role: 'resident' })
    expect(data.retention).toEqual({ patrolTrackDays: 180, uploadOriginalDays: 90 })
    expect(data.reports).toHaveLength(1)
    expect(data.reports[0]).toMatchObject({
      number: filed.body.case.number, text: '小区门口井盖松动，夜里有人绊倒', anonymous: false, publicPhotos: false,
      location: { datum: 'gcj02' }, photos: [{ id: photo.id }],
    })
    expect((await fetch(data.reports[0].photos[0].url)).status).toBe(200)
    expect(data.points.balance).toBe(25)
    expect(data.points.entries).toEqual([expect.objectContaining({ kind: 'award', amount: 25 })])
    expect(data.notices).toEqual([expect.objectContaining({ title: '诉求已受理', body: '您反映的井盖问题已受理' })])
    expect(JSON.stringify(data)).not.toContain('别人的诉求')
    expect(JSON.stringify(data)).not.toMatch(/openid|session_key|password/)
    expect((await s.http.get('/api/me/data')).status).toBe(401)
  })

  it('exports every patrol with its track, finished or still running, in as many statements for four patrols as for one', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const walks = [0, 1, 2, 3].map((k) =>
      walkThrough([...DEMO_PATROL_CHECKPOINTS].slice(0, 2), { startMs: Date.now() - (4 - k) * 3_600_000, speedMps: 1.2, intervalS: 15, seed: k }).points)
    /** The statements the export sends that read tracks. */
    const trackStatements = async () => {
      const sql: string[] = []
      const listen = (q: { sql: string }) => sql.push(q.sql)
      s.database.db.on('query', listen)
      try {
        const res = await s.http.get('/api/me/data', { token: volunteer })
        expect(res.status).toBe(200)
        return { sql: sql.filter((q) => /\bpatrol_track/.test(q)), patrols: res.body.patrols as { track: unknown[] }[] }
      } finally {
        s.database.db.off('query', listen)
      }
    }
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      await playPatrol(s, volunteer, route, walks[0]!)
      const one = await trackStatements()
      expect(one.patrols.map((p) => p.track.length)).toEqual([walks[0]!.length])
      await playPatrol(s, volunteer, route, walks[1]!)
      await playPatrol(s, volunteer, route, walks[2]!)
      // The last is still running: its track is the batches uploaded so far.
      await playPatrol(s, volunteer, route, walks[3]!, { finish: false })
      const four = await trackStatements()
      expect(four.patrols.map((p) => p.track.length)).toEqual([...walks].reverse().map((w) => w.length))
      // Folded tracks in one statement, the running patrols' batches in another, however many patrols there are.
      expect(four.sql).toHaveLength(2)
      expect(one.sql.length).toBeLessThanOrEqual(four.sql.length)
    } finally {
      vi.useRealTimers()
    }
  })

  it('asks once, on the server, before a patrol records where the volunteer walks', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId, { consent: false })
    const start = { teamId: route.teamId, routeId: route.routeId, location: { lat: route.checkpoints[0]!.lat, lng: route.checkpoints[0]!.lng, accuracy: 10 } }
    const refused = await s.http.post('/api/patrols', start, { token: volunteer, idempotencyKey: key() })
    expect(refused.status).toBe(403)
    expect(refused.body.error).toMatchObject({ code: 'CONSENT_REQUIRED', message: expect.stringContaining('位置轨迹'), details: { kind: 'patrol_location' } })
    expect(await s.database.db('patrols').where({ user_id: (await me(volunteer)).id })).toHaveLength(0)
    expect((await s.http.get('/api/me/consents', { token: volunteer })).body).toEqual({ items: [] })

    const granted = await s.http.post('/api/me/consents', { kind: 'patrol_location', granted: true }, { token: volunteer, idempotencyKey: key() })
    expect(granted.status).toBe(200)
    expect(granted.body.items).toEqual([{ kind: 'patrol_location', grantedAt: expect.any(String) }])
    const again = await s.http.post('/api/me/consents', { kind: 'patrol_location', granted: true }, { token: volunteer, idempotencyKey: key() })
    expect(again.body).toEqual(granted.body)
    expect((await s.http.post('/api/patrols', start, { token: volunteer, idempotencyKey: key() })).status).toBe(201)

    // Withdrawn, it is asked for again next time.
    const withdrawn = await s.http.post('/api/me/consents', { kind: 'patrol_location', granted: false }, { token: volunteer, idempotencyKey: key() })
    expect(withdrawn.status).toBe(200)
    expect(withdrawn.body).toEqual({ items: [] })
    expect((await s.http.get('/api/me/consents', { token: volunteer })).body).toEqual({ items: [] })
  })

  it('closes an account: identity erased, ledger kept anonymised, open cases kept without the reporter, sessions revoked', async () => {
    const handle = `closing${Date.now() % 100000}`
    const session = await devLogin(handle)
    const token = session.accessToken
    const userId = session.user.id
    await s.http.post('/api/me/community', { regionId: await s.make.regionId('XT-YT-JSL-XFL') }, { token })
    const photo = (await uploadPhoto(s, token, await jpegWithGps())).body
    const unused = (await uploadPhoto(s, token, await jpegWithGps())).body
    const filed = (await fileReport(s, token, { text: '楼顶违建正在施工，噪音很大', photoIds: [photo.id] })).body.case
    await s.make.givePoints(userId, 40)
    await s.http.post('/api/me/consents', { kind: 'patrol_location', granted: true }, { token, idempotencyKey: key() })
    await s.database.db('notifications').insert({ id: crypto.randomUUID(), user_id: userId, kind: 'case_progress', title: '诉求已受理', body: '已受理', created_at: new Date() })
    await s.database.db('subscribe_grants').insert({ user_id: userId, template_id: 'tpl-progress', remaining: 2, updated_at: new Date() })
    const upload = await s.database.db('uploads').where({ id: photo.id }).first()

    // A pickup still waiting is settled first.
    const rewardId = await s.make.reward({ cost: 10 })
    const redemption = (await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token, idempotencyKey: key() })).body
    const blocked = await s.http.post('/api/me/close', { confirm: '注销账号' }, { token, idempotencyKey: key() })
    expect(blocked.status).toBe(409)
    expect(blocked.body.error).toMatchObject({ code: 'ACCOUNT_CLOSE_BLOCKED', details: { reservedRedemptions: 1, runningPatrol: false } })
    expect((await s.database.db('users').where({ id: userId }).first()).closed_at).toBeNull()
    await s.http.post(`/api/redemptions/${redemption.id}/cancel`, undefined, { token, idempotencyKey: key() })

    expect((await s.http.post('/api/me/close', { confirm: '好的' }, { token, idempotencyKey: key() })).status).toBe(400)
    const closed = await s.http.post('/api/me/close', { confirm: '注销账号' }, { token, idempotencyKey: key() })
    expect(closed.status).toBe(200)
    expect(closed.body.closedAt).toEqual(expect.any(String))

    // Sessions: the access token and the refresh token are both dead.
    expect((await s.http.get('/api/me', { token })).status).toBe(401)
    expect((await s.http.post('/api/auth/refresh', { refreshToken: session.refreshToken })).status).toBe(401)

    // The person is gone from the row; the row stays for the ledger and the case file.
    const row = await s.database.db('users').where({ id: userId }).first()
    expect(row).toMatchObject({ openid: null, unionid: null, display_name: '已注销用户', region_id: null })
    expect(row.closed_at).not.toBeNull()
    expect(await s.database.db('user_consents').where({ user_id: userId })).toEqual([])
    expect(await s.database.db('idempotency_keys').where({ scope: `user:${userId}` })).toEqual([])
    expect(await s.database.db('notifications').where({ user_id: userId })).toEqual([])
    expect(await s.database.db('subscribe_grants').where({ user_id: userId })).toEqual([])
    expect(await s.database.db('uploads').where({ id: unused.id }).first()).toBeUndefined()
    expect(await s.app.services.files.get(upload.original_key)).toBeNull()
    expect(await s.app.services.files.get(upload.public_key)).not.toBeNull()

    // Points: every entry kept, the balance still on the (now nameless) account, the ledger intact.
    expect(Number((await s.database.db('ledger_postings').count({ n: '*' }).whereIn('account_id', s.database.db('ledger_accounts').select('id').where({ user_id: userId })).first())!.n)).toBeGreaterThan(0)
    expect((await verifyLedger(s.database.db)).problems).toEqual([])

    // The open case carries on for the agency, without saying who filed it.
    const forStaff = await s.http.get(`/api/cases/${filed.id}`, { token: staff })
    expect(forStaff.status).toBe(200)
    expect(forStaff.body).toMatchObject({ status: 'submitted', text: '楼顶违建正在施工，噪音很大', reporter: null, anonymous: true })
    expect(JSON.stringify(forStaff.body)).not.toContain(handle)
    expect((await s.http.get(`/api/cases/${filed.id}`, { token: await s.http.staffToken('centre') })).body.reporter).toBeNull()

    // The same WeChat user signing in again starts afresh.
    const fresh = await devLogin(handle)
    expect(fresh.user.id).not.toBe(userId)
    expect((await s.http.get('/api/me/data', { token: fresh.accessToken })).body.reports).toEqual([])
  })

  it('lets only residents close their own account', async () => {
    const refused = await s.http.post('/api/me/close', { confirm: '注销账号' }, { token: staff, idempotencyKey: key() })
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('ACCOUNT_CLOSE_NOT_ALLOWED')
    expect((await s.http.get('/api/me', { token: staff })).status).toBe(200)
  })

  it('deletes patrol tracks after 180 days and photo originals after 90, keeping what the programme needs', async () => {
    const volunteer = await newVolunteer(s, staff, route.teamId)
    const walk = walkThrough([...DEMO_PATROL_CHECKPOINTS], { startMs: Date.now() - 200 * DAY, speedMps: 1, pauseS: 60, intervalS: 10 })
    vi.useFakeTimers({ toFake: ['Date'] })
    let patrolId: number
    try {
      patrolId = (await playPatrol(s, volunteer, route, walk.points)).patrolId
    } finally {
      vi.useRealTimers()
    }
    const resident = await s.http.residentToken()
    const photo = (await uploadPhoto(s, resident, await sharp(await jpegWithGps()).toBuffer())).body
    await fileReport(s, resident, { photoIds: [photo.id] })
    const upload = await s.database.db('uploads').where({ id: photo.id }).first()
    const track = async () => (await s.http.get(`/api/patrols/${patrolId}/track`, { token: volunteer })).body.points as unknown[]
    expect((await track()).length).toBeGreaterThan(10)

    const services = { db: s.database.db, config: s.config, logger: s.app.services.logger, files: s.app.services.files }
    // Today: the patrol is 200 days old, the photo new.
    expect((await purgePatrolTracks(services, new Date())).processed).toBeGreaterThanOrEqual(1)
    expect(await purgePatrolTracks(services, new Date())).toEqual({ processed: 0 })
    expect(await track()).toEqual([])
    const patrol = (await s.http.get(`/api/patrols/${patrolId}`, { token: volunteer })).body
    expect(patrol).toMatchObject({ id: patrolId, status: 'finished', judgement: { pointCount: walk.points.length } })
    expect((await purgeUploadOriginals(services, new Date())).processed).toBe(0)
    expect(await s.app.services.files.get(upload.original_key)).not.toBeNull()

    // 91 days on, the original (with its EXIF) is gone; the EXIF-free copy every viewer sees stays.
    const later = new Date(Date.now() + 91 * DAY)
    expect((await purgeUploadOriginals(services, later)).processed).toBeGreaterThanOrEqual(1)
    expect(await s.app.services.files.get(upload.original_key)).toBeNull()
    expect(await s.app.services.files.get(upload.public_key)).not.toBeNull()
    const original = await fetch(`${s.url}/api/files/${photo.id}/original`, { headers: { Authorization: `Bearer ${await s.http.staffToken('centre')}` } })
    expect(original.status).toBe(404)
    expect((await purgeUploadOriginals(services, later)).processed).toBe(0)
  })
})
