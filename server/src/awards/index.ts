/**
 * Awards: rules turn a verified action into a proposed award; staff approve or reject it; approval posts it
 * to the ledger. Other modules (cases, patrols) call proposeAward and clawBackAward in their own transaction.
 */
import { randomUUID } from 'node:crypto'
import { AWARD_KIND_LABELS, type AwardKind } from '@anju/shared'
import type { Queryable, Trx } from '../db/knex'
import { AppError, errors } from '../errors'
import { awardPoints, lockResidentAccount, repayDebt, reverseAward } from '../ledger'
import { chinaDayStart, chinaMonthKey, chinaMonthStart } from '../lib/chinaTime'
import { noticeAwardDecided, noticeAwardReversed } from '../commands/residentNotices'
import { awardsRepo, type AwardRow } from '../repositories/awards'
import { categoriesRepo } from '../repositories/categories'
import { idsOnPath, regionsRepo } from '../repositories/regions'

export type AwardSource = { type: 'report' | 'patrol' | 'manual'; id: string }

export interface ProposeAwardInput {
  userId: number
  /** Where the action happened (a community or a grid). */
  regionId: number
  kind: AwardKind
  source: AwardSource
  /** Overrides the rule's points (manual awards say their own). */
  points?: number
  categoryCode?: string
  proposedBy: number | null
  reason: string
  /** When: the request's or the job's clock (caps and budgets count by China day and month of it). */
  now: Date
}

export interface ProposedAward {
  awardId: string
  status: AwardRow['status'] | 'no_rule'
  points: number
}

interface RuleRow {
  region_id: number
  kind: string
  category_code: string
  points: number
  auto_approve: number | boolean
}

/**
 * The one resolution of what an action earns: among the rules on the region's path, the nearest region's
 * wins, and at that region a rule for the category comes before the rule for its kind (category_code '').
 * Awards and every page that shows points (积分规则, 积分攻略) go through here.
 */
export function ruleInForce<R extends RuleRow>(rules: R[], path: number[], kind: string, categoryCode: string): R | undefined {
  const depth = (id: number) => path.indexOf(Number(id))
  return rules
    .filter((r) => r.kind === kind && (r.category_code === categoryCode || r.category_code === '') && depth(r.region_id) >= 0)
    .sort((a, b) => depth(b.region_id) - depth(a.region_id) || (b.category_code === categoryCode ? 1 : 0) - (a.category_code === categoryCode ? 1 : 0))[0]
}

/** Settings and rules are found on the region or its nearest ancestor that has them. */
async function policyFor(trx: Trx, regionId: number, kind: AwardKind, categoryCode: string) {
  const region = await regionsRepo.findById(trx, regionId)
  if (!region) throw errors.notFound()
  const path = idsOnPath(region.path)
  const depth = (id: number) => path.indexOf(id)
  const settings = (await awardsRepo.settingsFor(trx, path)).sort((a, b) => depth(b.region_id) - depth(a.region_id))[0]
  const rule = ruleInForce(await awardsRepo.rulesFor(trx, path, kind, categoryCode), path, kind, categoryCode)
  return { region, settings, rule }
}

/**
 * Proposes an award for a verified action. Idempotent per source: proposing again returns the first award.
 * A rule marked auto-approve grants it at once.
 */
export async function proposeAward(trx: Trx, input: ProposeAwardInput): Promise<ProposedAward> {
  const existing = await awardsRepo.findBySource(trx, input.source)
  if (existing) return { awardId: existing.id, status: existing.status, points: existing.points }

  const { settings, rule } = await policyFor(trx, input.regionId, input.kind, input.categoryCode ?? '')
  const points = input.points ?? rule?.points
  if (!points || points <= 0) return { awardId: '', status: 'no_rule', points: 0 }
  const id = randomUUID()
  await awardsRepo.insert(trx, {
    id,
    region_id: input.regionId,
    funding_region_id: settings?.region_id ?? input.regionId,
    user_id: input.userId,
    kind: input.kind,
    source_type: input.source.type,
    source_id: input.source.id,
    points,
    status: 'pending',
    reason: input.reason.slice(0, 255),
    proposed_by: input.proposedBy,
  }, input.now)
  if (rule && Boolean(rule.auto_approve) && input.kind !== 'manual') {
    try {
      // In a savepoint: if the budget has run out, the award stays pending and the caller's work stands.
      const award = await trx.transaction(async (sub) => grant(sub, (await awardsRepo.findById(sub, id))!, null, input.now))
      return { awardId: id, status: award.status, points }
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      return { awardId: id, status: 'pending', points }
    }
  }
  return { awardId: id, status: 'pending', points }
}

/**
 * Grants a pending award. The resident's account row is locked first, so caps are checked against a total
 * no other approval can change meanwhile; the budget is taken in one guarded update.
 */
async function grant(trx: Trx, award: AwardRow, approverId: number | null, now: Date): Promise<AwardRow> {
  if (award.status !== 'pending') throw errors.awardAlreadyDecided()
  if (award.kind === 'manual' && (approverId === null || approverId === award.proposed_by)) throw errors.awardSelfApproval()
  if (!(await awardsRepo.transition(trx, award.id, 'pending', 'approved', { decidedBy: approverId }, now))) {
    throw errors.awardAlreadyDecided()
  }

  await lockResidentAccount(trx, award.user_id, now)

  const { settings } = await policyFor(trx, award.funding_region_id, award.kind, '')
  let granted = award.points
  let capNote: string | null = null
  // Caps limit what rules hand out; a good deed (manual award) already needs two people and is not capped.
  const capped = award.kind !== 'manual'
  if (capped && settings?.daily_cap_per_resident != null) {
    const room = settings.daily_cap_per_resident - (await awardsRepo.grantedSince(trx, award.user_id, chinaDayStart(now)))
    if (room < granted) [granted, capNote] = [Math.max(0, room), '已达每日积分上限']
  }
  if (capped && settings?.monthly_cap_per_resident != null) {
    const room = settings.monthly_cap_per_resident - (await awardsRepo.grantedSince(trx, award.user_id, chinaMonthStart(now)))
    if (room < granted) [granted, capNote] = [Math.max(0, room), '已达每月积分上限']
  }
  if (granted === 0) {
    await awardsRepo.transition(trx, award.id, 'approved', 'rejected', { note: capNote, grantedPoints: 0 }, now)
    return decided(trx, award.id)
  }
  if (settings?.monthly_budget != null) {
    const ok = await awardsRepo.useBudget(trx, award.funding_region_id, chinaMonthKey(now), granted, settings.monthly_budget)
    if (!ok) throw errors.awardBudgetExhausted()
  }

  const posted = await awardPoints(trx, {
    idempotencyKey: `award:${award.id}`,
    regionId: award.funding_region_id,
    userId: award.user_id,
    points: granted,
    source: { type: award.source_type as AwardSource['type'], id: award.source_id },
    proposedBy: award.proposed_by,
    approvedBy: approverId,
    memo: award.reason,
    at: now,
  })
  await awardsRepo.setGrant(trx, award.id, granted, posted.id)
  if (capNote) await awardsRepo.transition(trx, award.id, 'approved', 'approved', { note: `${capNote}，按 ${granted} 分发放` }, now)

  // Points clawed back earlier that the resident could not cover come out of this award.
  const debt = await awardsRepo.debtOf(trx, award.user_id)
  const repay = Math.min(debt, granted)
  if (repay > 0 && (await awardsRepo.repayDebt(trx, award.user_id, repay))) {
    await repayDebt(trx, {
      idempotencyKey: `award-debt:${award.id}`,
      userId: award.user_id,
      regionId: award.funding_region_id,
      points: repay,
      source: { type: award.source_type as AwardSource['type'], id: award.source_id },
      actorId: approverId,
      at: now,
    })
  }
  return decided(trx, award.id)
}

/** The award as decided, its resident told (in the same transaction). */
async function decided(trx: Trx, awardId: string): Promise<AwardRow> {
  const award = (await awardsRepo.findById(trx, awardId))!
  await noticeAwardDecided(trx, award)
  return award
}

/** A staff member approves an award (never their own manual proposal). Two at once post it once. */
export async function approveAward(trx: Trx, { awardId, approverId, now }: { awardId: string; approverId: number; now: Date }): Promise<AwardRow> {
  const award = await awardsRepo.findById(trx, awardId)
  if (!award) throw errors.notFound()
  return grant(trx, award, approverId, now)
}

export async function rejectAward(trx: Trx, { awardId, actorId, note, now }: { awardId: string; actorId: number; note: string; now: Date }): Promise<AwardRow> {
  const award = await awardsRepo.findById(trx, awardId)
  if (!award) throw errors.notFound()
  if (!(await awardsRepo.transition(trx, awardId, 'pending', 'rejected', { decidedBy: actorId, note }, now))) {
    throw errors.awardAlreadyDecided()
  }
  return decided(trx, awardId)
}

export interface ClawBack {
  status: AwardRow['status'] | 'none'
  clawedBack: number
  debt: number
}

/**
 * Takes an award back when its report turns out false or a duplicate: a pending one is rejected, a granted
 * one is reversed as far as the balance allows and the rest recorded as a debt. Safe to call twice.
 */
export async function clawBackAward(
  trx: Trx,
  { source, actorId, reason, now }: { source: AwardSource; actorId: number | null; reason: string; now: Date },
): Promise<ClawBack> {
  let award = await awardsRepo.findBySource(trx, source)
  if (!award) return { status: 'none', clawedBack: 0, debt: 0 }
  if (award.status === 'pending') {
    if (await awardsRepo.transition(trx, award.id, 'pending', 'rejected', { decidedBy: actorId, note: reason }, now)) {
      await noticeAwardReversed(trx, (await awardsRepo.findById(trx, award.id))!, { clawedBack: 0, debt: 0 }, reason)
      return { status: 'rejected', clawedBack: 0, debt: 0 }
    }
    // Approved (or rejected) while we looked: go on from what it is now.
    award = (await awardsRepo.findById(trx, award.id))!
  }
  if (award.status !== 'approved' || !(await awardsRepo.transition(trx, award.id, 'approved', 'reversed', { note: reason }, now))) {
    const now = (await awardsRepo.findById(trx, award.id))!
    return { status: now.status, clawedBack: 0, debt: 0 }
  }
  if (!award.ledger_transaction_id) return { status: 'reversed', clawedBack: 0, debt: 0 }
  const reversal = await reverseAward(trx, {
    transactionId: award.ledger_transaction_id,
    idempotencyKey: `clawback:${award.id}`,
    actorId,
    memo: reason,
    at: now,
  })
  if (reversal.shortfall > 0) await awardsRepo.addDebt(trx, award.user_id, reversal.shortfall)
  await noticeAwardReversed(trx, award, { clawedBack: reversal.clawedBack, debt: reversal.shortfall }, reason)
  return { status: 'reversed', clawedBack: reversal.clawedBack, debt: reversal.shortfall }
}

export function awardReason(kind: AwardKind, detail: string): string {
  return detail ? `${AWARD_KIND_LABELS[kind]}：${detail}` : AWARD_KIND_LABELS[kind]
}

/** The award policy in force at a region: settings and rules, each from the nearest region that sets them. */
export async function awardPolicyAt(db: Queryable, regionId: number, now: Date) {
  const region = await regionsRepo.findById(db, regionId)
  if (!region) throw errors.notFound()
  const path = idsOnPath(region.path)
  const regions = new Map((await regionsRepo.findByIds(db, path)).map((r) => [r.id, r]))
  const ref = (id: number) => {
    const r = regions.get(Number(id))!
    return { id: r.id, name: r.name, level: r.level }
  }
  const depth = (id: number) => path.indexOf(id)
  const settings = (await awardsRepo.settingsFor(db, path)).sort((a, b) => depth(b.region_id) - depth(a.region_id))[0]
  const rules = new Map<string, { fromRegion: ReturnType<typeof ref>; kind: any; categoryCode: string; points: number; autoApprove: boolean }>()
  const allRules = (await db('award_rules').whereIn('region_id', path)) as RuleRow[]
  for (const rule of allRules.sort((a, b) => depth(b.region_id) - depth(a.region_id))) {
    const key = `${rule.kind}:${rule.category_code}`
    if (!rules.has(key)) {
      rules.set(key, { fromRegion: ref(Number(rule.region_id)), kind: rule.kind, categoryCode: rule.category_code, points: Number(rule.points), autoApprove: Boolean(rule.auto_approve) })
    }
  }
  // What each offered category pays here, resolved exactly as a closed or verified report is paid.
  const categories = (await categoriesRepo.list(db)).map((c) => {
    const rule = ruleInForce(allRules, path, c.kind, c.code)
    return {
      code: c.code, name: c.name, kind: c.kind,
      points: rule ? Number(rule.points) : 0,
      autoApprove: rule ? Boolean(rule.auto_approve) : false,
      rule: rule ? { fromRegion: ref(Number(rule.region_id)), categoryCode: rule.category_code } : null,
    }
  })
  const patrol = ruleInForce(allRules, path, 'patrol', '')
  return {
    region: ref(region.id),
    settings: settings
      ? {
          fromRegion: ref(settings.region_id),
          monthlyBudget: settings.monthly_budget,
          dailyCapPerResident: settings.daily_cap_per_resident,
          monthlyCapPerResident: settings.monthly_cap_per_resident,
          pointsValidMonths: settings.points_valid_months,
          usedThisMonth: await awardsRepo.budgetUsed(db, settings.region_id, chinaMonthKey(now)),
        }
      : null,
    rules: [...rules.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.categoryCode.localeCompare(b.categoryCode)),
    categories,
    patrolPoints: patrol ? Number(patrol.points) : 0,
  }
}

/**
 * 积分攻略: what a resident earns in their community for each kind of report and for a patrol, and the caps
 * before they reach them (how much of today's and this month's cap is already used).
 */
export async function pointsGuideFor(db: Queryable, userId: number, regionId: number, now: Date) {
  const policy = await awardPolicyAt(db, regionId, now)
  const s = policy.settings
  return {
    region: policy.region,
    categories: policy.categories.map(({ code, name, kind, points, autoApprove }) => ({ code, name, kind, points, autoApprove })),
    patrolPoints: policy.patrolPoints,
    limits: {
      dailyCap: s?.dailyCapPerResident ?? null,
      monthlyCap: s?.monthlyCapPerResident ?? null,
      pointsValidMonths: s?.pointsValidMonths ?? null,
      earnedToday: await awardsRepo.grantedSince(db, userId, chinaDayStart(now)),
      earnedThisMonth: await awardsRepo.grantedSince(db, userId, chinaMonthStart(now)),
    },
  }
}
