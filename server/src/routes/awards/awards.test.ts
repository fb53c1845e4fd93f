import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clawBackAward, proposeAward } from '../../awards'
import { withTransaction } from '../../db/transaction'
import { verifyLedger } from '../../ledger'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

describe.each(testDatabaseKinds())('awards on %s', (kind) => {
  let s: TestServer
  let staff: string
  let centre: string
  let otherStaff: string
  beforeAll(async () => {
    s = await startTestServer(kind)
    staff = await s.http.staffToken('staff')
    centre = await s.http.staffToken('centre')
    otherStaff = await s.http.staffToken('staff2')
  })
  afterAll(async () => {
    await s?.close()
  })

  const propose = async (userId: number, sourceId: string, kindOf: 'violation' | 'patrol' = 'violation', community = 'XT-YT-JSL-XFL') => {
    const regionId = await s.make.regionId(community)
    return withTransaction(s.database.db, async (trx) =>
      proposeAward(trx, {
        userId, regionId, kind: kindOf, source: { type: 'report', id: sourceId },
        proposedBy: null, reason: '违法举报核实：违停', now: new Date(),
      }),
    )
  }

  it('turns a verified report into a pending award by rule, once per source', async () => {
    const r = await s.make.resident()
    const first = await propose(r.id, 'case-1')
    expect(first).toMatchObject({ status: 'pending', points: 10 })
    expect(await propose(r.id, 'case-1')).toEqual(first)
    const summary = await s.http.get('/api/points/summary', { token: r.token })
    expect(summary.body).toMatchObject({ balance: 0, pending: 10 })
    expect(summary.body.pendingAwards[0]).toMatchObject({ points: 10, kind: 'violation' })
  })

  it('totals every pending award on the summary, beyond the twenty it lists', async () => {
    const r = await s.make.resident()
    for (let i = 0; i < 22; i++) await propose(r.id, `many-${r.id}-${i}`)
    const summary = (await s.http.get('/api/points/summary', { token: r.token })).body
    expect(summary.pendingAwards).toHaveLength(20)
    expect(summary.pending).toBe(220)
  })

  it('lists the queue for staff in scope only, and approval pays the resident', async () => {
    const r = await s.make.resident()
    const { awardId } = await propose(r.id, 'case-2')
    const queue = await s.http.get('/api/staff/awards', { token: staff })
    const item = queue.body.items.find((a: { id: string }) => a.id === awardId)
    expect(item).toMatchObject({ status: 'pending', actions: ['approve', 'reject'], resident: { id: r.id } })
    const outside = await s.http.get('/api/staff/awards', { token: otherStaff })
    expect(outside.body.items.find((a: { id: string }) => a.id === awardId)).toBeUndefined()
    expect((await s.http.post(`/api/staff/awards/${awardId}/approve`, undefined, { token: otherStaff })).status).toBe(404)

    const approved = await s.http.post(`/api/staff/awards/${awardId}/approve`, undefined, { token: staff })
    expect(approved.status).toBe(200)
    expect(approved.body).toMatchObject({ status: 'approved', grantedPoints: 10, actions: [] })
    expect((await s.http.get('/api/points/summary', { token: r.token })).body).toMatchObject({ balance: 10, pending: 0, lifetimeEarned: 10 })
    const entries = await s.http.get('/api/points/entries', { token: r.token })
    expect(entries.body.items[0]).toMatchObject({ kind: 'award', amount: 10, reason: '违法举报核实：违停', source: { type: 'report', id: 'case-2' } })

    const again = await s.http.post(`/api/staff/awards/${awardId}/approve`, undefined, { token: centre })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('AWARD_ALREADY_DECIDED')
  })

  it('posts once when two staff approve at the same moment', async () => {
    const r = await s.make.resident()
    const { awardId } = await propose(r.id, 'case-3')
    const results = await Promise.all([staff, centre].map((token) => s.http.post(`/api/staff/awards/${awardId}/approve`, undefined, { token })))
    expect(results.map((x) => x.status).sort()).toEqual([200, 409])
    expect((await s.http.get('/api/points/summary', { token: r.token })).body.balance).toBe(10)
  })

  it('rejects with a reason, and the reason is required', async () => {
    const r = await s.make.resident()
    const { awardId } = await propose(r.id, 'case-4')
    expect((await s.http.post(`/api/staff/awards/${awardId}/reject`, { reason: '' }, { token: staff })).status).toBe(400)
    const rejected = await s.http.post(`/api/staff/awards/${awardId}/reject`, { reason: '照片无法证明违停' }, { token: staff })
    expect(rejected.body).toMatchObject({ status: 'rejected', decisionNote: '照片无法证明违停' })
    expect((await s.http.get('/api/points/summary', { token: r.token })).body).toMatchObject({ balance: 0, pending: 0 })
  })

  it('needs a second staff member for a manual award', async () => {
    const r = await s.make.resident()
    const proposed = await s.http.post('/api/staff/awards/manual', { userId: r.id, points: 25, reason: '扶老人过马路' }, { token: staff })
    expect(proposed.status).toBe(201)
    expect(proposed.body).toMatchObject({ kind: 'manual', status: 'pending', actions: [] })
    const self = await s.http.post(`/api/staff/awards/${proposed.body.id}/approve`, undefined, { token: staff })
    expect(self.status).toBe(403)
    expect(self.body.error.code).toBe('AWARD_SELF_APPROVAL')
    const second = await s.http.post(`/api/staff/awards/${proposed.body.id}/approve`, undefined, { token: centre })
    expect(second.body).toMatchObject({ status: 'approved', grantedPoints: 25, proposedBy: { displayName: '幸福里社区 王敏' } })
  })

  it('batch-approves, reporting each award on its own', async () => {
    const r = await s.make.resident()
    const a = await propose(r.id, 'case-5')
    const b = await propose(r.id, 'case-6')
    await s.http.post(`/api/staff/awards/${b.awardId}/reject`, { reason: '重复举报' }, { token: staff })
    const res = await s.http.post('/api/staff/awards/batch-approve', { ids: [a.awardId, b.awardId] }, { token: staff })
    expect(res.status).toBe(200)
    expect(res.body.results.map((x: { ok: boolean; code?: string }) => [x.ok, x.code ?? null])).toEqual([[true, null], [false, 'AWARD_ALREADY_DECIDED']])
    expect((await s.http.get('/api/points/summary', { token: r.token })).body.balance).toBe(10)
  })

  it('caps a resident per day: the rest of the award is not paid; good deeds are not capped', async () => {
    const r = await s.make.resident()
    await s.make.givePoints(r.id, 150)
    expect((await s.http.get('/api/points/summary', { token: r.token })).body.balance).toBe(150)
    const region = await s.make.regionId('XT-YT-JSL-XFL')
    const big = await withTransaction(s.database.db, (trx) =>
      proposeAward(trx, { userId: r.id, regionId: region, kind: 'hazard', source: { type: 'report', id: 'case-6b' }, points: 95, proposedBy: null, reason: '隐患线索确认', now: new Date() }),
    )
    expect((await s.http.post(`/api/staff/awards/${big.awardId}/approve`, undefined, { token: staff })).body.grantedPoints).toBe(95)
    const { awardId } = await propose(r.id, 'case-7')
    const res = await s.http.post(`/api/staff/awards/${awardId}/approve`, undefined, { token: staff })
    expect(res.body).toMatchObject({ status: 'approved', grantedPoints: 5 })
    expect(res.body.decisionNote).toContain('每日')
    const { awardId: next } = await propose(r.id, 'case-8')
    const capped = await s.http.post(`/api/staff/awards/${next}/approve`, undefined, { token: staff })
    expect(capped.body).toMatchObject({ status: 'rejected', grantedPoints: 0 })
    expect((await s.http.get('/api/points/summary', { token: r.token })).body.balance).toBe(250)
  })

  it('claws back a false report: what was spent becomes a debt the next award repays', async () => {
    const r = await s.make.resident()
    const { awardId } = await propose(r.id, 'case-9')
    await s.http.post(`/api/staff/awards/${awardId}/approve`, undefined, { token: staff })
    const rewardId = await s.make.reward({ cost: 6 })
    expect((await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token })).status).toBe(201)

    const clawed = await withTransaction(s.database.db, (trx) => clawBackAward(trx, { source: { type: 'report', id: 'case-9' }, actorId: null, reason: '经核实为虚假举报', now: new Date() }))
    expect(clawed).toEqual({ status: 'reversed', clawedBack: 4, debt: 6 })
    expect((await s.http.get('/api/points/summary', { token: r.token })).body).toMatchObject({ balance: 0, debt: 6, lifetimeEarned: 6 })
    expect(await withTransaction(s.database.db, (trx) => clawBackAward(trx, { source: { type: 'report', id: 'case-9' }, actorId: null, reason: '再次', now: new Date() }))).toMatchObject({ status: 'reversed', clawedBack: 0 })

    const { awardId: later } = await propose(r.id, 'case-10')
    await s.http.post(`/api/staff/awards/${later}/approve`, undefined, { token: staff })
    expect((await s.http.get('/api/points/summary', { token: r.token })).body).toMatchObject({ balance: 4, debt: 0 })
    expect((await verifyLedger(s.database.db)).problems).toEqual([])
  })

  it('refuses residents and out-of-scope staff', async () => {
    const r = await s.make.resident()
    expect((await s.http.get('/api/staff/awards', { token: r.token })).status).toBe(403)
    expect((await s.http.post('/api/staff/awards/manual', { userId: r.id, points: 5, reason: '好事' }, { token: r.token })).status).toBe(403)
    // Staff of another community cannot award someone they could not have found, nor a staff account.
    const outside = await s.http.post('/api/staff/awards/manual', { userId: r.id, points: 5, reason: '好事' }, { token: otherStaff })
    expect(outside.status).toBe(400)
    expect(outside.body.error.details.fields[0]).toMatchObject({ path: 'userId', message: '辖区内没有这位居民' })
    const staffUser = await s.make.userId('staff')
    expect((await s.http.post('/api/staff/awards/manual', { userId: staffUser, points: 5, reason: '好事' }, { token: staff })).status).toBe(400)
  })

  it('lets an administrator set rules and budgets; auto-approve grants at once; an empty budget holds awards back', async () => {
    const admin = await s.http.staffToken('admin')
    const hp = await s.make.regionId('XT-YT-JSL-HP')
    expect((await s.http.post('/api/admin/award-rules', { regionId: hp, kind: 'patrol', points: 12, autoApprove: true }, { token: staff })).status).toBe(404)
    const set = await s.http.post('/api/admin/award-rules', { regionId: hp, kind: 'patrol', points: 12, autoApprove: true }, { token: admin })
    expect(set.status).toBe(200)
    expect(set.body.rules).toContainEqual({ fromRegion: { id: hp, name: '和平社区', level: 'community' }, kind: 'patrol', categoryCode: '', points: 12, autoApprove: true })

    const r = await s.make.resident('XT-YT-JSL-HP')
    const auto = await propose(r.id, 'patrol-auto-1', 'patrol', 'XT-YT-JSL-HP')
    expect(auto).toMatchObject({ status: 'approved', points: 12 })
    expect((await s.http.get('/api/points/summary', { token: r.token })).body.balance).toBe(12)

    const budget = await s.http.post('/api/admin/award-settings', { regionId: hp, monthlyBudget: 12, dailyCapPerResident: 100, monthlyCapPerResident: 1000 }, { token: admin })
    expect(budget.body.settings).toMatchObject({ monthlyBudget: 12, usedThisMonth: 12 })
    const held = await propose(r.id, 'case-hp-1', 'violation', 'XT-YT-JSL-HP')
    expect(held.status).toBe('pending')
    const refused = await s.http.post(`/api/staff/awards/${held.awardId}/approve`, undefined, { token: otherStaff })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('AWARD_BUDGET_EXHAUSTED')
    const policy = await s.http.get(`/api/admin/award-policy?regionId=${hp}`, { token: otherStaff })
    expect(policy.body.settings.usedThisMonth).toBe(12)
    // An auto-approved award past the budget waits as pending; the caller's own work is not undone.
    expect(await propose(r.id, 'patrol-auto-2', 'patrol', 'XT-YT-JSL-HP')).toMatchObject({ status: 'pending', points: 12 })
  })
})

describe.each(testDatabaseKinds())('award caps by the service clock on %s', (kind) => {
  let s: TestServer
  let now = new Date()
  beforeAll(async () => {
    s = await startTestServer(kind, { clock: { now: () => now } })
  })
  afterAll(async () => {
    await s?.close()
  })

  it('counts a day by the time the service runs on, and records each decision at that time', async () => {
    const staff = await s.http.staffToken('staff')
    const r = await s.make.resident()
    const regionId = await s.make.regionId('XT-YT-JSL-XFL')
    const propose = (sourceId: string, points?: number) =>
      withTransaction(s.database.db, (trx) =>
        proposeAward(trx, { userId: r.id, regionId, kind: 'violation', source: { type: 'report', id: sourceId }, points, proposedBy: null, reason: '违法举报核实', now }))
    const approve = async (awardId: string) => (await s.http.post(`/api/staff/awards/${awardId}/approve`, undefined, { token: staff })).body

    now = new Date(Date.now() + 3 * 86_400_000)
    expect(await approve((await propose('cap-1', 100)).awardId)).toMatchObject({ status: 'approved', grantedPoints: 100 })
    expect(await approve((await propose('cap-2')).awardId)).toMatchObject({ status: 'rejected', grantedPoints: 0 })

    now = new Date(now.getTime() + 86_400_000)
    const next = (await propose('cap-3')).awardId
    expect((await approve(next)).grantedPoints).toBeGreaterThan(0)
    const row = await s.database.db('awards').where({ id: next }).first('decided_at', 'ledger_transaction_id')
    expect(new Date(row.decided_at).getTime()).toBe(now.getTime())
    const posted = await s.database.db('ledger_transactions').where({ id: row.ledger_transaction_id }).first('created_at')
    expect(new Date(posted.created_at).getTime()).toBe(now.getTime())
  })
})
