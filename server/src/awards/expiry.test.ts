import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTransaction } from '../db/transaction'
import { expirePointsJob } from '../jobs/expirePoints'
import { accountBalance, awardPoints, balanceOf, earnedSince, expirable, refundPoints, residentAccountOf, reverseAward, spendPoints, verifyLedger } from '../ledger'
import { chinaDayMonthsBefore } from '../lib/chinaTime'
import { usersRepo } from '../repositories/users'
import { testDatabaseKinds } from '../testing/databases'
import { startTestServer, type TestServer } from '../testing/server'
import { pointsExpiringSoon } from './expiry'

const MONTH = 31 * 24 * 60 * 60 * 1000

describe('chinaDayMonthsBefore', () => {
  it('steps back calendar months in China time, keeping the day or the last day of a shorter month', () => {
    expect(chinaDayMonthsBefore(new Date('2026-05-31T10:00:00+08:00'), 3)).toEqual({ start: new Date('2026-02-28T00:00:00+08:00'), day: '2026-02-28' })
    expect(chinaDayMonthsBefore(new Date('2026-01-15T23:30:00+08:00'), 12)).toEqual({ start: new Date('2025-01-15T00:00:00+08:00'), day: '2025-01-15' })
    // 2026-03-01 01:00 in China is still February 28 in UTC: China's day counts.
    expect(chinaDayMonthsBefore(new Date('2026-03-01T01:00:00+08:00'), 1).day).toBe('2026-02-01')
  })
})

describe.each(testDatabaseKinds())('points expiry on %s', (kind) => {
  let s: TestServer
  let admin: string
  let xfl: number
  beforeAll(async () => {
    s = await startTestServer(kind)
    admin = await s.http.staffToken('admin')
    xfl = await s.make.regionId('XT-YT-JSL-XFL')
  })
  afterAll(async () => {
    await s?.close()
  })

  const db = () => s.database.db
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(db(), work)
  const award = (userId: number, points: number) =>
    tx((trx) => awardPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), regionId: xfl, userId, points, source: { type: 'manual', id: randomUUID() }, proposedBy: null, approvedBy: null }))
  const spend = (userId: number, points: number, redemptionId = randomUUID()) =>
    tx((trx) => spendPoints(trx, { at: new Date(), idempotencyKey: `spend:${redemptionId}`, userId, regionId: xfl, points, redemptionId }))
  /** What lapses at `cutoff`, as the job counts it; the 积分 page's reckoning from the balance must agree. */
  const dueAt = async (userId: number, cutoff: Date) => {
    const due = (await expirable(db(), { cutoff, residents: [userId], limit: 1 }))[0]?.points ?? 0
    expect(Math.max(0, (await balanceOf(db(), userId)) - (await earnedSince(db(), userId, cutoff)))).toBe(due)
    return due
  }
  const services = () => ({ db: db(), config: s.config, logger: s.app.services.logger })
  const settings = (body: Record<string, unknown>) =>
    s.http.post('/api/admin/award-settings', { regionId: xfl, monthlyBudget: 20_000, dailyCapPerResident: 100, monthlyCapPerResident: 1_000, ...body }, { token: admin })

  it('counts what lapses oldest first: old awards less everything used, net of refunds and of reversals of old awards', async () => {
    const r = await s.make.resident()
    const old = await award(r.id, 100)
    await new Promise((resolve) => setTimeout(resolve, 15))
    const cutoff = new Date()
    await new Promise((resolve) => setTimeout(resolve, 15))
    const recent = await award(r.id, 50)
    expect(await dueAt(r.id, cutoff)).toBe(100)
    const redemption = randomUUID()
    await spend(r.id, 30, redemption)
    expect(await dueAt(r.id, cutoff)).toBe(70)
    await tx((trx) => refundPoints(trx, { at: new Date(), idempotencyKey: `refund:${redemption}`, userId: r.id, regionId: xfl, points: 30, redemptionId: redemption, actorId: null }))
    expect(await dueAt(r.id, cutoff)).toBe(100)
    // Taking back the recent award leaves the old points as they were; taking back the old one removes them.
    await tx((trx) => reverseAward(trx, { at: new Date(), transactionId: recent.id, idempotencyKey: randomUUID(), actorId: null }))
    expect(await dueAt(r.id, cutoff)).toBe(100)
    await tx((trx) => reverseAward(trx, { at: new Date(), transactionId: old.id, idempotencyKey: randomUUID(), actorId: null }))
    expect(await dueAt(r.id, cutoff)).toBe(0)
    expect(await dueAt(r.id, new Date(Date.now() + MONTH))).toBe(0)
  })

  it('lets an administrator set the validity, keeps it when a later change leaves it out, and refuses nonsense in Chinese', async () => {
    const bad = await settings({ pointsValidMonths: 0 })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.fields[0]).toMatchObject({ path: 'pointsValidMonths', message: '积分有效期至少 1 个月' })
    const huge = await settings({ monthlyBudget: 5_000_000_000 })
    expect(huge.status).toBe(400)
    expect(huge.body.error.details.fields[0]).toMatchObject({ path: 'monthlyBudget', message: '数值过大' })
    expect((await settings({ pointsValidMonths: 12 })).body.settings).toMatchObject({ pointsValidMonths: 12 })
    expect((await settings({ monthlyBudget: 30_000 })).body.settings).toMatchObject({ monthlyBudget: 30_000, pointsValidMonths: 12 })
    const staffToken = await s.http.staffToken('staff')
    expect((await s.http.post('/api/admin/award-settings', { regionId: xfl, monthlyBudget: 1, dailyCapPerResident: 1, monthlyCapPerResident: 1, pointsValidMonths: 1 }, { token: staffToken })).status).toBe(404)
  })

  it('expires lapsed points once, into the sink of the region whose setting applies, and leaves other regions alone', async () => {
    expect((await settings({ pointsValidMonths: 12 })).status).toBe(200)
    const r = await s.make.resident()
    await award(r.id, 100)
    await spend(r.id, 30)
    const elsewhere = await s.make.resident('XT-YT-JSL-HP')
    await tx((trx) => awardPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), regionId: xfl, userId: elsewhere.id, points: 40, source: { type: 'manual', id: randomUUID() }, proposedBy: null, approvedBy: null }))
    const nowhere = await usersRepo.insert(db(), { openid: randomUUID(), displayName: '无社区', role: 'resident' })
    await award(nowhere, 25)

    // A year on, nothing has lapsed yet; thirteen months on, what was not used has.
    expect(await expirePointsJob.run(services(), new Date(Date.now() + 11 * MONTH))).toEqual({ processed: 0 })
    const home = await db()('users as u').join('regions as g', 'g.id', 'u.region_id').where('u.id', r.id).first('g.path')
    const resident = { userId: r.id, region: { path: String(home.path) }, account: await residentAccountOf(db(), r.id) }
    expect(await pointsExpiringSoon(db(), resident, new Date(Date.now() + 11 * MONTH))).toMatchObject({ points: 70 })
    expect(await pointsExpiringSoon(db(), { ...resident, region: null }, new Date(Date.now() + 11 * MONTH))).toBeNull()
    const later = new Date(Date.now() + 13 * MONTH)
    expect((await expirePointsJob.run(services(), later)).processed).toBeGreaterThanOrEqual(1)
    expect(await expirePointsJob.run(services(), later)).toEqual({ processed: 0 })
    expect(await balanceOf(db(), r.id)).toBe(0)
    expect(await balanceOf(db(), elsewhere.id)).toBe(40)
    expect(await balanceOf(db(), nowhere)).toBe(25)

    const entries = await s.http.get('/api/points/entries', { token: r.token })
    expect(entries.body.items[0]).toMatchObject({ kind: 'expiry', amount: -70, reason: '积分过期', source: { type: 'expiry' } })
    const sink = await db()('ledger_postings as p').join('ledger_accounts as a', 'a.id', 'p.account_id')
      .where('p.transaction_id', entries.body.items[0].transactionId).andWhere('p.amount', '>', 0).first('a.account_key', 'p.amount')
    expect(sink).toMatchObject({ account_key: `expiry:${xfl}`, amount: 70 })
    expect(await accountBalance(db(), `expiry:${xfl}`)).toBeGreaterThanOrEqual(70)
    expect((await s.http.get('/api/points/summary', { token: r.token })).body).toMatchObject({ balance: 0, expiringSoon: null })
    expect((await verifyLedger(db())).problems).toEqual([])
  })

  it('never lets expiry and redemptions racing on one resident spend the same points twice', async () => {
    expect((await settings({ pointsValidMonths: 12 })).status).toBe(200)
    const r = await s.make.resident()
    await award(r.id, 100)
    const later = new Date(Date.now() + 13 * MONTH)
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 8 }, () => spend(r.id, 20)),
      expirePointsJob.run(services(), later),
      expirePointsJob.run(services(), later),
    ])
    const spent = outcomes.slice(0, 8).filter((o) => o.status === 'fulfilled').length * 20
    for (const o of outcomes.slice(0, 8)) if (o.status === 'rejected') expect((o.reason as { code?: string }).code).toBe('INSUFFICIENT_POINTS')
    const expired = -Number((await db()('ledger_postings as p').join('ledger_accounts as a', 'a.id', 'p.account_id').join('ledger_transactions as t', 't.id', 'p.transaction_id')
      .where({ 'a.account_key': `resident:${r.id}`, 't.kind': 'expiry' }).sum({ total: 'p.amount' }).first())!.total ?? 0)
    expect(spent + expired + (await balanceOf(db(), r.id))).toBe(100)
    expect(await balanceOf(db(), r.id)).toBe(0)
    expect((await verifyLedger(db())).problems).toEqual([])
  })
})
