import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyLedger } from '../../ledger'
import { act, fileReport, HP_G1 } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

describe.each(testDatabaseKinds())('report points and clawback on %s', (kind) => {
  let s: TestServer
  let staff: string
  let centre: string
  let grid: string
  let admin: string
  let gridWorkerId: number
  beforeAll(async () => {
    s = await startTestServer(kind)
    staff = await s.http.staffToken('staff')
    centre = await s.http.staffToken('centre')
    grid = await s.http.staffToken('grid')
    admin = await s.http.staffToken('admin')
    gridWorkerId = (await s.database.db('users').where({ username: 'grid' }).first()).id
  })
  afterAll(async () => {
    await s?.close()
  })

  const awardOf = (caseId: number) => s.database.db('awards').where({ source_type: 'report', source_id: String(caseId) }).first()

  /** Files a report in 幸福里 and takes it to verified (核查通过). */
  async function verified(token: string, overrides: Record<string, unknown>) {
    const filed = await fileReport(s, token, overrides)
    expect(filed.status).toBe(201)
    const id = filed.body.case.id as number
    expect((await act(s, staff, id, { action: 'accept' })).status).toBe(200)
    expect((await act(s, staff, id, { action: 'dispatch', assigneeId: gridWorkerId })).status).toBe(200)
    expect((await act(s, grid, id, { action: 'start' })).status).toBe(200)
    expect((await act(s, grid, id, { action: 'resolve', outcome: 'fixed', note: '已现场处置完毕' })).status).toBe(200)
    expect((await act(s, staff, id, { action: 'verify', note: '现场核查属实' })).body.status).toBe('verified')
    return { id, number: filed.body.case.number as string }
  }

  it('pays a closed complaint what the guide and the 积分规则 page say, from the award rules alone', async () => {
    const r = await s.make.resident()
    const guide = await s.http.get('/api/points/guide', { token: r.token })
    expect(guide.status).toBe(200)
    const shown = guide.body.categories.find((c: { code: string }) => c.code === 'noise')
    expect(shown).toMatchObject({ name: '噪音扰民', kind: 'complaint' })
    expect(shown.points).toBeGreaterThan(0)
    const xfl = await s.make.regionId('XT-YT-JSL-XFL')
    const policy = await s.http.get(`/api/admin/award-policy?regionId=${xfl}`, { token: staff })
    expect(policy.body.categories.find((c: { code: string }) => c.code === 'noise').points).toBe(shown.points)

    const { id } = await verified(r.token, { kind: 'complaint', categoryCode: 'noise' })
    expect((await act(s, r.token, id, { action: 'rate', satisfied: true })).body.status).toBe('closed')
    expect(await awardOf(id)).toMatchObject({ kind: 'complaint', points: shown.points })
  })

  it('pays the rule an administrator sets, and shows it before the resident files', async () => {
    // A complaint rule for the whole of 和平社区 is nearer than the city's rule per category, so it wins.
    const hp = await s.make.regionId('XT-YT-JSL-HP')
    expect((await s.http.post('/api/admin/award-rules', { regionId: hp, kind: 'complaint', points: 7 }, { token: admin })).status).toBe(200)
    const r = await s.make.resident('XT-YT-JSL-HP')
    const guide = await s.http.get('/api/points/guide', { token: r.token })
    expect(guide.body.categories.find((c: { code: string }) => c.code === 'noise').points).toBe(7)
    const policy = await s.http.get(`/api/admin/award-policy?regionId=${hp}`, { token: centre })
    expect(policy.body.categories.find((c: { code: string }) => c.code === 'noise')).toMatchObject({
      points: 7, rule: { fromRegion: { id: hp }, categoryCode: '' },
    })

    const filed = await fileReport(s, r.token, { kind: 'complaint', categoryCode: 'noise', location: { ...HP_G1, address: '和平社区 2 栋' } })
    const id = filed.body.case.id as number
    const staff2 = await s.http.staffToken('staff2')
    expect((await act(s, staff2, id, { action: 'accept' })).status).toBe(200)
    expect((await act(s, staff2, id, { action: 'escalate', reason: '需要综治中心统筹处理' })).status).toBe(200)
    const closed = await act(s, centre, id, { action: 'close', note: '已协调处理完毕', outcome: 'fixed' })
    expect(closed.body.status).toBe('closed')
    expect(await awardOf(id)).toMatchObject({ points: 7 })
  })

  it('shows the caps and how much of them is used before the resident reaches them', async () => {
    const r = await s.make.resident()
    const guide = await s.http.get('/api/points/guide', { token: r.token })
    expect(guide.body.limits).toMatchObject({ dailyCap: 100, monthlyCap: 1000, earnedToday: 0, earnedThisMonth: 0 })
    expect(guide.body.patrolPoints).toBeGreaterThan(0)
  })

  it('takes the points back when the verification is overturned, never below zero, and says why', async () => {
    const r = await s.make.resident()
    const { id, number } = await verified(r.token, { kind: 'violation', categoryCode: 'street_vending' })
    const award = await awardOf(id)
    expect((await s.http.post(`/api/staff/awards/${award.id}/approve`, undefined, { token: centre })).status).toBe(200)
    const paid = (await s.http.get('/api/points/summary', { token: r.token })).body.balance as number
    expect(paid).toBe(award.points)
    // The resident spends part of it before the verification is overturned.
    const rewardId = await s.make.reward({ cost: paid - 1 })
    expect((await s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token: r.token })).status).toBe(201)

    expect((await act(s, r.token, id, { action: 'rate', satisfied: false, comment: '摊贩又回来了' })).body.status).toBe('reopened')
    expect(await awardOf(id)).toMatchObject({ status: 'reversed' })
    const summary = (await s.http.get('/api/points/summary', { token: r.token })).body
    expect(summary).toMatchObject({ balance: 0, debt: paid - 1 })
    const entries = (await s.http.get('/api/points/entries', { token: r.token })).body.items
    expect(entries[0]).toMatchObject({ kind: 'reversal', amount: -1 })
    expect(entries[0].reason).toContain(`${number} 核查结果被推翻`)
    const notices = await s.database.db('outbox_messages').where('idempotency_key', 'like', `inbox:award_reversed:%:${r.id}`)
    expect(notices).toHaveLength(1)
    expect(JSON.parse(notices[0].payload).body).toContain('核查结果被推翻')

    // The debt comes out of the next award.
    const next = await verified(r.token, { kind: 'violation', categoryCode: 'street_vending' })
    const nextAward = await awardOf(next.id)
    await s.http.post(`/api/staff/awards/${nextAward.id}/approve`, undefined, { token: centre })
    expect((await s.http.get('/api/points/summary', { token: r.token })).body).toMatchObject({ balance: nextAward.points - (paid - 1), debt: 0 })
    expect((await verifyLedger(s.database.db)).problems).toEqual([])
  })

  it('rejects a pending award when its report is merged into the case it repeats', async () => {
    const r = await s.make.resident()
    const original = await verified(r.token, { kind: 'violation', categoryCode: 'street_vending' })
    const other = await s.make.resident()
    const { id, number } = await verified(other.token, { kind: 'violation', categoryCode: 'street_vending' })
    expect((await awardOf(id)).status).toBe('pending')
    // Disputed twice, the case goes to the centre, which finds it repeats the first report.
    expect((await act(s, other.token, id, { action: 'rate', satisfied: false })).body.status).toBe('reopened')
    expect(await awardOf(id)).toMatchObject({ status: 'rejected' })
    expect((await act(s, staff, id, { action: 'escalate', reason: '疑似重复举报，请中心复核' })).body.status).toBe('escalated')
    const bad = await act(s, centre, id, { action: 'reject', reason: '与已办结案件重复', duplicateOf: '000000-0000' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.fields[0].path).toBe('duplicateOf')
    const merged = await act(s, centre, id, { action: 'reject', reason: '与已办结案件重复', duplicateOf: original.number })
    expect(merged.body.status).toBe('rejected')
    expect((await s.database.db('cases').where({ id }).first()).related_case_id).toBe(original.id)
    expect((await s.http.get('/api/points/summary', { token: other.token })).body).toMatchObject({ balance: 0, pending: 0, debt: 0 })
    expect(number).toMatch(/^\d{6}-\d{4}$/)
  })

  it('takes an award back once, however many moves say the report was not what it claimed', async () => {
    const r = await s.make.resident()
    const { id, number } = await verified(r.token, { kind: 'violation', categoryCode: 'street_vending' })
    const award = await awardOf(id)
    expect((await s.http.post(`/api/staff/awards/${award.id}/approve`, undefined, { token: centre })).status).toBe(200)
    expect((await act(s, r.token, id, { action: 'rate', satisfied: false })).body.status).toBe('reopened')
    expect((await act(s, staff, id, { action: 'escalate', reason: '需复核是否属实' })).status).toBe(200)
    expect((await act(s, centre, id, { action: 'reject', reason: '经复核为虚假举报' })).body.status).toBe('rejected')
    expect(await awardOf(id)).toMatchObject({ status: 'reversed' })
    expect((await s.http.get('/api/points/summary', { token: r.token })).body).toMatchObject({ balance: 0, debt: 0 })
    const entries = (await s.http.get('/api/points/entries', { token: r.token })).body.items
    expect(entries.filter((e: { kind: string }) => e.kind === 'reversal')).toHaveLength(1)
    expect(entries[0]).toMatchObject({ kind: 'reversal', amount: -award.points })
    expect(entries[0].reason).toContain(number)
    expect((await verifyLedger(s.database.db)).problems).toEqual([])
  })
})
