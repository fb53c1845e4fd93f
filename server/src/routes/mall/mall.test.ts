import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expireRedemptionsJob } from '../../jobs/expireRedemptions'
import { verifyLedger } from '../../ledger'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

describe.each(testDatabaseKinds())('rewards mall on %s', (kind) => {
  let s: TestServer
  let staff: string
  beforeAll(async () => {
    s = await startTestServer(kind)
    staff = await s.http.staffToken('staff')
  })
  afterAll(async () => {
    await s?.close()
  })

  const balance = async (token: string) => (await s.http.get('/api/points/summary', { token })).body.balance as number

  it('lists what a resident may redeem: their community and the city, not other communities', async () => {
    const r = await s.make.resident('XT-YT-JSL-XFL')
    const list = await s.http.get('/api/rewards', { token: r.token })
    const regions = new Set(list.body.items.map((i: { region: { name: string } }) => i.region.name))
    expect(regions).toEqual(new Set(['幸福里社区', '湘潭市']))
    const other = list.body.items.length
    const hp = await s.make.resident('XT-YT-JSL-HP')
    const hpList = await s.http.get('/api/rewards', { token: hp.token })
    expect(hpList.body.items.map((i: { title: string }) => i.title)).toContain('和平社区环保袋')
    expect(hpList.body.items.length).not.toBe(0)
    expect(other).toBeGreaterThan(0)
    const foreign = hpList.body.items.find((i: { region: { name: string } }) => i.region.name === '和平社区')
    expect((await s.http.get(`/api/rewards/${foreign.id}`, { token: r.token })).status).toBe(404)
  })

  it('redeems: points debited, stock reserved, an unguessable code with a QR code', async () => {
    const r = await s.make.resident()
    await s.make.givePoints(r.id, 50)
    const rewardId = await s.make.reward({ cost: 20, stock: 3 })
    const res = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token, idempotencyKey: 'redeem-once-001' })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ status: 'reserved', points: 20, actions: ['cancel'] })
    expect(res.body.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/)
    // The QR image is drawn where the code is shown: the redemption's own view.
    expect(res.body.qrDataUrl).toBeNull()
    expect((await s.http.get(`/api/redemptions/${res.body.id}`, { token: r.token })).body.qrDataUrl).toMatch(/^data:image\/png;base64,/)
    expect(await balance(r.token)).toBe(30)
    expect((await s.http.get(`/api/rewards/${rewardId}`, { token: r.token })).body.stockRemaining).toBe(2)

    const retry = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token, idempotencyKey: 'redeem-once-001' })
    expect(retry.body).toEqual(res.body)
    expect(await balance(r.token)).toBe(30)

    const mine = await s.http.get('/api/redemptions', { token: r.token })
    expect(mine.body.items).toHaveLength(1)
    const entries = await s.http.get('/api/points/entries', { token: r.token })
    expect(entries.body.items[0]).toMatchObject({ kind: 'redemption', amount: -20 })
    expect(entries.body.items[0].reason).toMatch(/^兑换「礼品/)
  })

  it('says 积分不足 and 已兑完 clearly, changing nothing', async () => {
    const r = await s.make.resident()
    await s.make.givePoints(r.id, 5)
    const costly = await s.make.reward({ cost: 10 })
    const poor = await s.http.post(`/api/rewards/${costly}/redeem`, undefined, { token: r.token })
    expect(poor.status).toBe(409)
    expect(poor.body.error).toMatchObject({ code: 'INSUFFICIENT_POINTS', message: '积分不足' })
    const empty = await s.make.reward({ cost: 1, stock: 0 })
    const gone = await s.http.post(`/api/rewards/${empty}/redeem`, undefined, { token: r.token })
    expect(gone.body.error).toMatchObject({ code: 'SOLD_OUT', message: '已兑完' })
    expect(await balance(r.token)).toBe(5)
    expect((await s.http.get('/api/redemptions', { token: r.token })).body.items).toHaveLength(0)
  })

  it('holds each resident to the per-resident limit', async () => {
    const r = await s.make.resident()
    await s.make.givePoints(r.id, 50)
    const rewardId = await s.make.reward({ cost: 1, limit: 2 })
    for (const expected of [201, 201, 409]) {
      expect((await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token })).status).toBe(expected)
    }
  })

  it('lets the resident cancel before pickup: points and stock come back once', async () => {
    const r = await s.make.resident()
    await s.make.givePoints(r.id, 30)
    const rewardId = await s.make.reward({ cost: 30, stock: 1 })
    const red = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token })
    const cancelled = await s.http.post(`/api/redemptions/${red.body.id}/cancel`, undefined, { token: r.token })
    expect(cancelled.body).toMatchObject({ status: 'cancelled', actions: [], qrDataUrl: null })
    expect(await balance(r.token)).toBe(30)
    expect((await s.http.get(`/api/rewards/${rewardId}`, { token: r.token })).body.stockRemaining).toBe(1)
    const twice = await s.http.post(`/api/redemptions/${red.body.id}/cancel`, undefined, { token: r.token })
    expect(twice.body.error.code).toBe('REDEMPTION_NOT_RESERVED')
    expect(await balance(r.token)).toBe(30)
    const stranger = await s.make.resident()
    expect((await s.http.post(`/api/redemptions/${red.body.id}/cancel`, undefined, { token: stranger.token })).status).toBe(404)
  })

  it('lets staff in scope look up and fulfil a code once', async () => {
    const r = await s.make.resident()
    await s.make.givePoints(r.id, 10)
    const rewardId = await s.make.reward({ cost: 10 })
    const red = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token })
    const code = red.body.code as string
    const other = await s.http.staffToken('staff2')
    expect((await s.http.get(`/api/staff/redemptions/by-code/${code}`, { token: other })).status).toBe(404)
    const looked = await s.http.get(`/api/staff/redemptions/by-code/${code.toLowerCase()}`, { token: staff })
    expect(looked.body).toMatchObject({ status: 'reserved', resident: { id: r.id }, actions: ['fulfil'], qrDataUrl: null })
    const done = await s.http.post('/api/staff/redemptions/fulfil', { code }, { token: staff })
    expect(done.body).toMatchObject({ status: 'fulfilled' })
    const again = await s.http.post('/api/staff/redemptions/fulfil', { code }, { token: staff })
    expect(again.body.error.code).toBe('REDEMPTION_NOT_RESERVED')
    expect((await s.http.post(`/api/redemptions/${red.body.id}/cancel`, undefined, { token: r.token })).status).toBe(409)
    expect((await s.http.post('/api/staff/redemptions/fulfil', { code: 'NOPE' }, { token: staff })).status).toBe(400)
  })

  it('finds a pickup code however it is read out: without hyphens, in lower case, spaced, O and l for 0 and 1', async () => {
    const r = await s.make.resident()
    await s.make.givePoints(r.id, 10)
    const rewardId = await s.make.reward({ cost: 10 })
    const red = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token })
    const code = red.body.code as string
    const bare = code.replace(/-/g, '')
    const spoken = bare.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l').replace(/(.{4})(?!$)/g, '$1 ')
    for (const heard of [bare, bare.toLowerCase(), spoken, ` ${code.replace(/-/g, '—')} `, code.replace(/-/g, '_')]) {
      const looked = await s.http.get(`/api/staff/redemptions/by-code/${encodeURIComponent(heard)}`, { token: staff })
      expect(looked.status, heard).toBe(200)
      expect(looked.body).toMatchObject({ id: red.body.id, code })
    }
    const done = await s.http.post('/api/staff/redemptions/fulfil', { code: spoken }, { token: staff })
    expect(done.body).toMatchObject({ id: red.body.id, status: 'fulfilled' })
  })

  it('answers 领取码无效 for a code that does not exist or is not the staff member\'s to fulfil, changing nothing', async () => {
    const unknown = await s.http.get('/api/staff/redemptions/by-code/ZZZZZZZZZZZZZZZZ', { token: staff })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe('PICKUP_CODE_INVALID')
    expect(unknown.body.error.message).toMatch(/^领取码无效/)
    const r = await s.make.resident()
    await s.make.givePoints(r.id, 10)
    const rewardId = await s.make.reward({ cost: 10 })
    const red = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token })
    const other = await s.http.staffToken('staff2')
    // Another community's code reads exactly like a code that does not exist.
    const foreign = await s.http.get(`/api/staff/redemptions/by-code/${red.body.code}`, { token: other })
    expect({ status: foreign.status, error: foreign.body.error }).toEqual({ status: unknown.status, error: unknown.body.error })
    const fulfil = await s.http.post('/api/staff/redemptions/fulfil', { code: red.body.code }, { token: other })
    expect(fulfil.status).toBe(404)
    expect(fulfil.body.error.code).toBe('PICKUP_CODE_INVALID')
    expect((await s.http.get(`/api/redemptions/${red.body.id}`, { token: r.token })).body.status).toBe('reserved')
    const short = await s.http.get('/api/staff/redemptions/by-code/ABCD-EFGH', { token: staff })
    expect(short.status).toBe(400)
    expect(short.body.error.details.fields[0].message).toBe('领取码应为 16 位字母或数字')
  })

  it('tells the resident how many of the per-resident limit they already hold', async () => {
    const r = await s.make.resident()
    await s.make.givePoints(r.id, 10)
    const rewardId = await s.make.reward({ cost: 5, limit: 2 })
    const detail = async () => (await s.http.get(`/api/rewards/${rewardId}`, { token: r.token })).body
    expect(await detail()).toMatchObject({ perResidentLimit: 2, redeemedByMe: 0, pickupDays: 7 })
    const first = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token })
    await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token })
    expect(await detail()).toMatchObject({ redeemedByMe: 2 })
    const listed = (await s.http.get('/api/rewards', { token: r.token })).body.items.find((i: { id: number }) => i.id === rewardId)
    expect(listed).toMatchObject({ redeemedByMe: 2 })
    // A cancelled redemption no longer counts against the limit.
    await s.http.post(`/api/redemptions/${first.body.id}/cancel`, undefined, { token: r.token })
    expect(await detail()).toMatchObject({ redeemedByMe: 1 })
    const other = await s.make.resident()
    expect((await s.http.get(`/api/rewards/${rewardId}`, { token: other.token })).body).toMatchObject({ redeemedByMe: 0 })
    const staffView = (await s.http.get('/api/staff/rewards', { token: staff })).body.items.find((i: { id: number }) => i.id === rewardId)
    expect(staffView).toMatchObject({ redeemedByMe: null })
  })

  it('lets the street centres hand out a city reward picked up at 各街道综治中心, not community staff', async () => {
    const r = await s.make.resident()
    await s.make.givePoints(r.id, 300)
    const items = (await s.http.get('/api/rewards', { token: r.token })).body.items as { id: number; title: string; pickupPlace: string; pickupRegions: { name: string; level: string }[] }[]
    const card = items.find((i) => i.title === '公交卡充值 20 元')!
    expect(card.pickupPlace).toBe('各街道综治中心')
    expect(card.pickupRegions.map((p) => p.level)).toEqual(card.pickupRegions.map(() => 'street'))
    expect(card.pickupRegions.map((p) => p.name)).toContain('建设路街道')
    const red = await s.http.post(`/api/rewards/${card.id}/redeem`, undefined, { token: r.token })
    expect(red.status).toBe(201)
    const code = red.body.code as string

    for (const who of ['staff', 'staff2', 'grid']) {
      const seen = await s.http.get(`/api/staff/redemptions/by-code/${code}`, { token: await s.http.staffToken(who) })
      expect(seen.status).toBe(404)
    }
    const centre = await s.http.staffToken('centre')
    const looked = await s.http.get(`/api/staff/redemptions/by-code/${code}`, { token: centre })
    expect(looked.status).toBe(200)
    expect(looked.body).toMatchObject({ status: 'reserved', actions: ['fulfil'] })
    const done = await s.http.post('/api/staff/redemptions/fulfil', { code }, { token: centre, idempotencyKey: `fulfil-${code}` })
    expect(done.status).toBe(200)
    expect(done.body.status).toBe('fulfilled')
  })

  it('takes pickup regions with a reward: inside its scope only; a community reward stays with its community and street', async () => {
    const admin = await s.http.staffToken('admin')
    const streetId = await s.make.regionId('XT-YT-JSL')
    const input = {
      regionId: await s.make.regionId('XT'), title: '平安台历', description: '', pointsCost: 10, stock: 3, perResidentLimit: 1,
      validFrom: new Date(Date.now() - 1000).toISOString(), validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      pickupPlace: '建设路街道综治中心', pickupRegionIds: [streetId],
    }
    const created = await s.http.post('/api/staff/rewards', input, { token: admin })
    expect(created.status).toBe(201)
    expect(created.body.pickupRegions).toEqual([{ id: streetId, name: '建设路街道', level: 'street' }])
    const staff = await s.http.staffToken('staff')
    const outside = await s.http.post('/api/staff/rewards', {
      ...input, regionId: await s.make.regionId('XT-YT-JSL-XFL'), pickupRegionIds: [await s.make.regionId('XT-YT-JSL-HP')],
    }, { token: staff })
    expect(outside.status).toBe(400)
    expect(outside.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ path: 'pickupRegionIds' }] } })

    // Without pickup regions a reward is handed out where it belongs: its community, and the street above it.
    const r = await s.make.resident()
    await s.make.givePoints(r.id, 10)
    const red = await s.http.post(`/api/rewards/${await s.make.reward({ cost: 10 })}/redeem`, undefined, { token: r.token })
    expect((await s.http.get(`/api/staff/redemptions/by-code/${red.body.code}`, { token: await s.http.staffToken('centre') })).status).toBe(200)
    expect((await s.http.get(`/api/staff/redemptions/by-code/${red.body.code}`, { token: await s.http.staffToken('staff2') })).status).toBe(404)
  })

  it('expires an unclaimed redemption after its window, refunding once; pickup is then refused', async () => {
    const r = await s.make.resident()
    await s.make.givePoints(r.id, 10)
    const rewardId = await s.make.reward({ cost: 10, stock: 1 })
    const red = await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token })
    const later = new Date(Date.now() + 8 * 24 * 60 * 60 * 1000)
    const services = { db: s.database.db, config: s.config, logger: s.app.services.logger }
    // Earlier tests left reservations too; all of them are due by then.
    expect((await expireRedemptionsJob.run(services, later)).processed).toBeGreaterThanOrEqual(1)
    expect(await expireRedemptionsJob.run(services, later)).toEqual({ processed: 0 })
    expect(await balance(r.token)).toBe(10)
    expect((await s.http.get(`/api/redemptions/${red.body.id}`, { token: r.token })).body.status).toBe('expired')
    expect((await s.http.post('/api/staff/redemptions/fulfil', { code: red.body.code }, { token: staff })).body.error.code).toBe('REDEMPTION_NOT_RESERVED')
    expect((await verifyLedger(s.database.db)).problems).toEqual([])
  })

  it('lets staff manage the catalogue in their scope, with validation', async () => {
    const regionId = await s.make.regionId('XT-YT-JSL-XFL')
    const input = {
      regionId, title: '灭火器一具', description: '家用 1kg 干粉灭火器', pointsCost: 150, stock: 5, perResidentLimit: 1,
      validFrom: new Date(Date.now() - 1000).toISOString(), validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      pickupPlace: '幸福里社区服务中心', pickupInstructions: '',
    }
    const created = await s.http.post('/api/staff/rewards', input, { token: staff })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ title: '灭火器一具', stockRemaining: 5, unavailableReason: null })
    const bad = await s.http.post('/api/staff/rewards', { ...input, pointsCost: 0, validUntil: input.validFrom }, { token: staff })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['pointsCost', 'validUntil'])
    const hp = await s.make.regionId('XT-YT-JSL-HP')
    expect((await s.http.post('/api/staff/rewards', { ...input, regionId: hp }, { token: staff })).status).toBe(404)
    const updated = await s.http.post(`/api/staff/rewards/${created.body.id}`, { ...input, stock: 8 }, { token: staff })
    expect(updated.body).toMatchObject({ stockTotal: 8, stockRemaining: 8 })
    const archived = await s.http.post(`/api/staff/rewards/${created.body.id}/archive`, undefined, { token: staff })
    expect(archived.body).toMatchObject({ status: 'archived', unavailableReason: '已下架' })
    const afterArchive = await s.http.post(`/api/staff/rewards/${created.body.id}`, { ...input, stock: 9 }, { token: staff })
    expect(afterArchive.status).toBe(409)
    expect(afterArchive.body.error).toMatchObject({ code: 'REWARD_ARCHIVED', message: '该礼品已下架，不能再修改' })
    expect((await s.http.get('/api/staff/rewards', { token: staff })).body.items.find((i: { id: number }) => i.id === created.body.id)).toMatchObject({ stockTotal: 8 })
    const r = await s.make.resident()
    expect((await s.http.get('/api/rewards', { token: r.token })).body.items.find((i: { id: number }) => i.id === created.body.id)).toBeUndefined()
  })
})
