/**
 * The single-node concurrency suites (test/concurrency, the mall's and awards' race tests, points expiry racing
 * redemptions) run against the cluster: each race is sent straight to two or three different API nodes, so the
 * racing transactions start on different database nodes and only Galera's certification of the guarded updates,
 * unique keys and ledger slots stands between them. Each race is checked on every database node.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import pino from 'pino'
import type { Config } from '../server/src/config'
import type { Db } from '../server/src/db/knex'
import { expirePointsJob } from '../server/src/jobs/expirePoints'
import type { factories } from '../server/src/testing/factories'
import { apiNode, outcomeOf, pooled, post, retriesOf, spread, type Answer } from './client'
import type { DbNode } from './topology'

export interface RaceContext {
  make: ReturnType<typeof factories>
  dbs: Map<DbNode, Db>
  config: Config
  /** Access tokens of three demo staff accounts that may all act in 幸福里社区 (XT-YT-JSL-XFL). */
  tokens: { staff: string; centre: string; admin: string }
  /** Requests in flight at once. */
  concurrency: number
}

const accountKey = (userId: number) => `resident:${userId}`

/** Each resident's balance on one node. */
async function balances(db: Db, userIds: number[]): Promise<Map<number, number>> {
  const out = new Map(userIds.map((id) => [id, 0]))
  const rows = await db('ledger_accounts').whereIn('account_key', userIds.map(accountKey)).select('account_key', 'balance')
  for (const r of rows) {
    const id = Number(String(r.account_key).slice('resident:'.length))
    out.set(id, out.get(id)! + Number(r.balance))
  }
  return out
}

/** Per resident, the ledger transactions of `kind` that touched their account: how many, and their net amount. */
async function postingsOfKind(db: Db, userIds: number[], kind: string): Promise<Map<number, { count: number; amount: number }>> {
  const out = new Map(userIds.map((id) => [id, { count: 0, amount: 0 }]))
  const rows = await db('ledger_postings as p')
    .join('ledger_accounts as a', 'a.id', 'p.account_id')
    .join('ledger_transactions as t', 't.id', 'p.transaction_id')
    .whereIn('a.account_key', userIds.map(accountKey))
    .andWhere('t.kind', kind)
    .select('a.account_key', 'p.amount')
  for (const r of rows) {
    const entry = out.get(Number(String(r.account_key).slice('resident:'.length)))!
    entry.count++
    entry.amount += Number(r.amount)
  }
  return out
}

/** Per resident, how many redemptions of these rewards they hold (in any status). */
async function redemptionsPerResident(db: Db, rewardIds: number[]): Promise<Map<number, number>> {
  const rows: { user_id: number; n: number | string }[] = await db('redemptions').whereIn('reward_id', rewardIds).groupBy('user_id').select('user_id').count({ n: '*' })
  return new Map(rows.map((r) => [Number(r.user_id), Number(r.n)]))
}

async function onEveryNode(ctx: RaceContext, check: (db: Db, node: DbNode) => Promise<void>) {
  for (const [node, db] of ctx.dbs) await check(db, node)
}

/** Every answer is one of `allowed` (a status for a success, "status CODE" for a refusal). */
function assertOutcomes(answers: Answer[], allowed: string[], what: string) {
  const other = answers.filter((a) => !allowed.includes(outcomeOf(a)))
  assert.deepEqual(other.slice(0, 5).map((a) => `${outcomeOf(a)} ${JSON.stringify(a.body)}`), [], `${what}: answers other than ${allowed.join(', ')}`)
}

/**
 * Double spend: residents each with points for exactly one redemption send two redemptions of two different
 * rewards (two keys) to two different API nodes at once. The two transactions touch different reward rows and
 * meet only on the resident's ledger slot: exactly one wins, the other is refused INSUFFICIENT_POINTS, and no
 * balance goes below zero on any node.
 */
export async function doubleSpend(ctx: RaceContext, residents: number) {
  const cost = 10
  const people = await ctx.make.residents(residents, { points: cost })
  const rewardIds = [await ctx.make.reward({ cost, stock: residents, limit: 1 }), await ctx.make.reward({ cost, stock: residents, limit: 1 })]
  const pairs = await pooled(people.map((p, i) => () => Promise.all(rewardIds.map((rewardId, j) =>
    post(`/api/rewards/${rewardId}/redeem`, undefined, p.token, `double-spend-${rewardId}-${p.id}`, apiNode(i + j))))), ctx.concurrency / 2)
  assertOutcomes(pairs.flat(), ['201', '409 INSUFFICIENT_POINTS'], 'double spend')
  pairs.forEach((pair, i) => {
    assert.equal(pair.filter((a) => a.status === 201).length, 1, `resident ${people[i]!.id}: ${pair.map(outcomeOf).join(' / ')}`)
  })
  const ids = people.map((p) => p.id)
  await onEveryNode(ctx, async (db, node) => {
    const left = [...(await balances(db, ids)).entries()].filter(([, balance]) => balance !== 0)
    assert.deepEqual(left, [], `double spend: balances other than 0 (none may be below) on ${node.name}`)
    const held = await redemptionsPerResident(db, rewardIds)
    assert.deepEqual(ids.filter((id) => held.get(id) !== 1), [], `double spend: residents without exactly one redemption on ${node.name}`)
    const stock = await db('rewards').whereIn('id', rewardIds).sum({ s: 'stock_remaining' }).first()
    assert.equal(Number(stock!.s), residents, `double spend: stock left on ${node.name}`)
  })
  const all = pairs.flat()
  return {
    residents, requests: all.length, redeemed: all.filter((a) => a.status === 201).length, refused: all.filter((a) => a.status === 409).length,
    retried: all.filter((a) => a.tries > 1).length, retried_after: retriesOf(all), per_api_node: spread(all),
  }
}

/**
 * Racing approvals: manual awards proposed by one staff member, each then approved by two others at once on two
 * API nodes. One approval pays, the other is refused AWARD_ALREADY_DECIDED; each resident is paid exactly once.
 */
export async function racingApprovals(ctx: RaceContext, awards: number) {
  const points = 20
  const people = await ctx.make.residents(awards)
  const proposed = await pooled(people.map((p) => () =>
    post('/api/staff/awards/manual', { userId: p.id, points, reason: '协助邻里排查隐患' }, ctx.tokens.staff, `manual-${randomUUID()}`)), 16)
  assertOutcomes(proposed, ['201'], 'manual awards proposed')
  const approvers = [ctx.tokens.centre, ctx.tokens.admin]
  const races = await pooled(proposed.map((a, i) => () => Promise.all(approvers.map((token, j) =>
    post(`/api/staff/awards/${a.body.id}/approve`, undefined, token, `approve-${a.body.id}-${j}`, apiNode(i + j))))), ctx.concurrency / 2)
  assertOutcomes(races.flat(), ['200', '409 AWARD_ALREADY_DECIDED'], 'racing approvals')
  races.forEach((race, i) => {
    assert.deepEqual(race.map((a) => a.status).sort(), [200, 409], `award ${proposed[i]!.body.id}: ${race.map(outcomeOf).join(' / ')}`)
    assert.equal(race.find((a) => a.status === 200)!.body.grantedPoints, points)
  })
  const ids = people.map((p) => p.id)
  const centreId = await ctx.make.userId('centre')
  const adminId = await ctx.make.userId('admin')
  await onEveryNode(ctx, async (db, node) => {
    const paid = [...(await balances(db, ids)).entries()].filter(([, balance]) => balance !== points)
    assert.deepEqual(paid, [], `racing approvals: balances other than ${points} on ${node.name}`)
    const awarded = [...(await postingsOfKind(db, ids, 'award')).entries()].filter(([, p]) => p.count !== 1 || p.amount !== points)
    assert.deepEqual(awarded, [], `racing approvals: residents not paid exactly once on ${node.name}`)
    const rows = await db('awards').whereIn('id', proposed.map((a) => a.body.id)).select('id', 'status', 'decided_by')
    rows.forEach((row) => {
      const i = proposed.findIndex((a) => a.body.id === row.id)
      const winner = races[i]!.findIndex((a) => a.status === 200)
      assert.equal(row.status, 'approved', `award ${row.id} on ${node.name}`)
      assert.equal(Number(row.decided_by), [centreId, adminId][winner], `award ${row.id}: approved by the one answered 200, on ${node.name}`)
    })
  })
  const all = races.flat()
  retriesOf(proposed)
  return {
    awards, approvals: all.length, paid: all.filter((a) => a.status === 200).length, refused: all.filter((a) => a.status === 409).length,
    retried: all.filter((a) => a.tries > 1).length, retried_after: retriesOf(all), per_api_node: spread(all),
  }
}

/**
 * Racing pickups: each redemption's pickup code is verified by two staff members at once on two API nodes, and
 * for every other one the resident cancels it at the same moment on the third. Exactly one of them wins; the
 * others are refused REDEMPTION_NOT_RESERVED. A cancelled redemption has its points and stock back, a fulfilled
 * one neither.
 */
export async function racingPickups(ctx: RaceContext, redemptions: number) {
  const cost = 10
  const people = await ctx.make.residents(redemptions, { points: cost })
  const rewardId = await ctx.make.reward({ cost, stock: redemptions, limit: 1 })
  const redeemed = await pooled(people.map((p) => () => post(`/api/rewards/${rewardId}/redeem`, undefined, p.token, `pickup-redeem-${p.id}`)), ctx.concurrency)
  assertOutcomes(redeemed, ['201'], 'redemptions to pick up')
  const races = await pooled(redeemed.map((r, i) => () => {
    const { id, code } = r.body as { id: string; code: string }
    const racers = [ctx.tokens.staff, ctx.tokens.centre].map((token, j) =>
      post('/api/staff/redemptions/fulfil', { code }, token, `fulfil-${id}-${j}`, apiNode(i + j)))
    if (i % 2 === 1) racers.push(post(`/api/redemptions/${id}/cancel`, undefined, people[i]!.token, `cancel-${id}`, apiNode(i + 2)))
    return Promise.all(racers)
  }), ctx.concurrency / 2)
  assertOutcomes(races.flat(), ['200', '409 REDEMPTION_NOT_RESERVED'], 'racing pickups')
  races.forEach((race, i) => assert.equal(race.filter((a) => a.status === 200).length, 1, `redemption ${redeemed[i]!.body.id}: ${race.map(outcomeOf).join(' / ')}`))
  const cancelled = new Set(races.flatMap((race, i) => (race[2]?.status === 200 ? [people[i]!.id] : [])))
  const ids = people.map((p) => p.id)
  await onEveryNode(ctx, async (db, node) => {
    const rows = await db('redemptions').where({ reward_id: rewardId }).select('user_id', 'status')
    assert.deepEqual(
      rows.filter((r) => r.status !== (cancelled.has(Number(r.user_id)) ? 'cancelled' : 'fulfilled')).map((r) => `${r.user_id} ${r.status}`), [],
      `racing pickups: redemptions not as answered on ${node.name}`,
    )
    assert.equal(rows.length, redemptions)
    const reward = await db('rewards').where({ id: rewardId }).first('stock_remaining')
    assert.equal(Number(reward.stock_remaining), cancelled.size, `racing pickups: stock on ${node.name}`)
    const wrong = [...(await balances(db, ids)).entries()].filter(([id, balance]) => balance !== (cancelled.has(id) ? cost : 0))
    assert.deepEqual(wrong, [], `racing pickups: balances on ${node.name}`)
    const refunds = [...(await postingsOfKind(db, ids, 'refund')).entries()].filter(([id, p]) => p.count !== (cancelled.has(id) ? 1 : 0))
    assert.deepEqual(refunds, [], `racing pickups: refunds on ${node.name}`)
  })
  const all = races.flat()
  retriesOf(redeemed)
  return {
    redemptions, requests: all.length, fulfilled: redemptions - cancelled.size, cancelled: cancelled.size, refused: all.filter((a) => a.status === 409).length,
    retried: all.filter((a) => a.tries > 1).length, retried_after: retriesOf(all), per_api_node: spread(all),
  }
}

/**
 * Points expiry racing redemptions: in a community whose points expire after 12 months, residents with points
 * for three redemptions send four each to the second and third API nodes; once the first round is answered, the
 * expiry job, run for a moment thirteen months on, works through the same residents on the first database node.
 * No point is both spent and expired: per resident, what was redeemed plus what expired is what they had, and
 * nothing is left. Some resident must have had points both redeemed and expired, or the two never met.
 */
export async function expiryRacingRedemptions(ctx: RaceContext, residents: number) {
  const points = 30
  const cost = 10
  const community = 'XT-YT-JSL-HP'
  const regionId = await ctx.make.regionId(community)
  const settings = await post('/api/admin/award-settings', {
    regionId, monthlyBudget: null, dailyCapPerResident: null, monthlyCapPerResident: null, pointsValidMonths: 12,
  }, ctx.tokens.admin, `settings-${randomUUID()}`)
  assert.equal(settings.status, 200, `award settings: ${JSON.stringify(settings.body)}`)
  const people = await ctx.make.residents(residents, { points, community })
  const rewardId = await ctx.make.reward({ community, cost, stock: residents * 4, limit: 4 })
  const later = new Date(Date.now() + 13 * 31 * 86_400_000)
  const [expiryNode, expiryDb] = [...ctx.dbs][0]!
  // Round by round, so each resident's redemptions are spread over the whole run; the job starts once a round's
  // worth has been answered, so it meets residents who have spent some of their points and are still spending.
  let answered = 0
  let expiry: Promise<{ processed: number }> | undefined
  let jobSeconds = 0
  const runExpiry = () => {
    const started = performance.now()
    return expirePointsJob.run({ db: expiryDb, config: ctx.config, logger: pino({ level: 'silent' }) }, later).finally(() => {
      jobSeconds = (performance.now() - started) / 1000
    })
  }
  const requests = [0, 1, 2, 3].flatMap((round) => people.map((p, i) => async () => {
    const answer = await post(`/api/rewards/${rewardId}/redeem`, undefined, p.token, `expiry-race-${p.id}-${round}`, apiNode(1 + ((i + round) % 2)))
    if (++answered === residents) {
      expiry = runExpiry()
      expiry.catch(() => undefined) // awaited below; a failure is reported there, not as an unhandled rejection
    }
    return answer
  }))
  const answers = await pooled(requests, ctx.concurrency)
  const job = await expiry!
  assertOutcomes(answers, ['201', '409 INSUFFICIENT_POINTS'], 'redemptions racing expiry')
  const won = new Map(people.map((p) => [p.id, 0]))
  requests.forEach((_, k) => {
    if (answers[k]!.status === 201) {
      const id = people[k % residents]!.id
      won.set(id, won.get(id)! + 1)
    }
  })
  const ids = people.map((p) => p.id)
  let expiredTotal = 0
  let both = 0
  await onEveryNode(ctx, async (db, node) => {
    const left = [...(await balances(db, ids)).entries()].filter(([, balance]) => balance !== 0)
    assert.deepEqual(left, [], `expiry race: points left after the expiry ran, on ${node.name}`)
    const expired = await postingsOfKind(db, ids, 'expiry')
    const held = await redemptionsPerResident(db, [rewardId])
    const wrong = ids.filter((id) => (held.get(id) ?? 0) !== won.get(id) || won.get(id)! * cost - expired.get(id)!.amount !== points || expired.get(id)!.count > 1)
    assert.deepEqual(wrong.map((id) => `${id}: redeemed ${won.get(id)}, held ${held.get(id) ?? 0}, expired ${-expired.get(id)!.amount}`), [],
      `expiry race: redeemed + expired is not what the resident had, on ${node.name}`)
    expiredTotal = -[...expired.values()].reduce((sum, p) => sum + p.amount, 0)
    both = ids.filter((id) => won.get(id)! > 0 && expired.get(id)!.amount < 0).length
  })
  const redeemed = [...won.values()].reduce((a, b) => a + b, 0)
  assert.equal(redeemed * cost + expiredTotal, residents * points, 'expiry race: totals')
  assert.ok(both > 0, 'expiry race: no resident had points both redeemed and expired, so the two never met')
  return {
    residents, requests: answers.length, redeemed, points_redeemed: redeemed * cost, points_expired: expiredTotal,
    residents_redeemed_and_expired: both, expiry_job: { node: expiryNode.name, processed: job.processed, seconds: Number(jobSeconds.toFixed(1)) },
    retried: answers.filter((a) => a.tries > 1).length, retried_after: retriesOf(answers), per_api_node: spread(answers),
  }
}
