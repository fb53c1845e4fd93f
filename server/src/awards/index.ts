/**
 * Awards: rules turn a verified action into a proposed award; staff approve or reject it; approval posts it
 * to the ledger. Other modules (cases, patrols) call proposeAward and clawBackAward in their own transaction.
 */
import { randomUUID } from 'node:crypto'
import { AWARD_KIND_LABELS, type AwardKind } from '@anju/shared'
import type { Queryable, Trx } from '../db/knex'
import { AppError, errors } from '../errors'
import { awardPoints, lockResidentAccount, postTransaction, reverseAward } from '../ledger'
import { chinaDayStart, chinaMonthKey, chinaMonthStart } from '../lib/chinaTime'
import { noticeAwardDecided } from '../commands/residentNotices'
import { awardsRepo, type AwardRow } from '../repositories/awards'
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
}

export interface ProposedAward {
  awardId: string
  status: AwardRow['status'] | 'no_rule'
  points: number
}

/** Settings and rules are found on the region or its nearest ancestor that has them. */
async function policyFor(trx: Trx, regionId: number, kind: AwardKind, categoryCode: string) {
  const region = await regionsRepo.findById(trx, regionId)
  if (!region) throw errors.notFound()
  const path = idsOnPath(region.path)
  const depth = (id: number) => path.indexOf(id)
  const settings = (await awardsRepo.settingsFor(trx, path)).sort((a, b) => depth(b.region_id) - depth(a.region_id))[0]
  const rules = (await awardsRepo.rulesFor(trx, path, kind, categoryCode)).sort(
    (a, b) => depth(b.region_id) - depth(a.region_id) || (b.category_code === categoryCode ? 1 : 0) - (a.category_code === categoryCode ? 1 : 0),
  )
  return { region, settings, rule: rules[0] as { points: number; auto_approve: number | boolean } | undefined }
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
  })
  if (rule && Boolean(rule.auto_approve) && input.kind !== 'manual') {
    try {
      // In a savepoint: if the budget has run out, the award stays pending and the caller's work stands.
      const award = await trx.transaction(async (sub) => grant(sub, (await awardsRepo.findById(sub, id))!, null))
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
async function grant(trx: Trx, award: AwardRow, approverId: number | null): Promise<AwardRow> {
  if (award.status !== 'pending') throw errors.awardAlreadyDecided()
  if (award.kind === 'manual' && (approverId === null || approverId === award.proposed_by)) throw errors.awardSelfApproval()
  if (!(await awardsRepo.transition(trx, award.id, 'pending', 'approved', { decidedBy: approverId }))) {
    throw errors.awardAlreadyDecided()
  }

  const resident = { kind: 'resident' as const, userId: award.user_id }
  await lockResidentAccount(trx, award.user_id)

  const now = new Date()
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
    await awardsRepo.transition(trx, award.id, 'approved', 'rejected', { note: capNote, grantedPoints: 0 })
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
  })
  await awardsRepo.setGrant(trx, award.id, granted, posted.id)
  if (capNote) await awardsRepo.transition(trx, award.id, 'approved', 'approved', { note: `${capNote}，按 ${granted} 分发放` })

  // Points clawed back earlier that the resident could not cover come out of this award.
  const debt = await awardsRepo.debtOf(trx, award.user_id)
  const repay = Math.min(debt, granted)
  if (repay > 0 && (await awardsRepo.repayDebt(trx, award.user_id, repay))) {
    await postTransaction(trx, {
      idempotencyKey: `award-debt:${award.id}`,
      kind: 'reversal',
      source: { type: award.source_type as AwardSource['type'], id: award.source_id },
      memo: '抵扣此前撤回的积分',
      proposedBy: approverId,
      approvedBy: approverId,
      postings: [
        { account: resident, amount: -repay },
        { account: { kind: 'issuer', regionId: award.funding_region_id }, amount: repay },
      ],
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
export async function approveAward(trx: Trx, { awardId, approverId }: { awardId: string; approverId: number }): Promise<AwardRow> {
  const award = await awardsRepo.findById(trx, awardId)
  if (!award) throw errors.notFound()
  return grant(trx, award, approverId)
}

export async function rejectAward(trx: Trx, { awardId, actorId, note }: { awardId: string; actorId: number; note: string }): Promise<AwardRow> {
  const award = await awardsRepo.findById(trx, awardId)
  if (!award) throw errors.notFound()
  if (!(await awardsRepo.transition(trx, awardId, 'pending', 'rejected', { decidedBy: actorId, note }))) {
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
export async function clawBackAward(trx: Trx, { source, actorId, reason }: { source: AwardSource; actorId: number | null; reason: string }): Promise<ClawBack> {
  let award = await awardsRepo.findBySource(trx, source)
  if (!award) return { status: 'none', clawedBack: 0, debt: 0 }
  if (award.status === 'pending') {
    if (await awardsRepo.transition(trx, award.id, 'pending', 'rejected', { decidedBy: actorId, note: reason })) {
      return { status: 'rejected', clawedBack: 0, debt: 0 }
    }
    // Approved (or rejected) while we looked: go on from what it is now.
    award = (await awardsRepo.findById(trx, award.id))!
  }
  if (award.status !== 'approved' || !(await awardsRepo.transition(trx, award.id, 'approved', 'reversed', { note: reason }))) {
    const now = (await awardsRepo.findById(trx, award.id))!
    return { status: now.status, clawedBack: 0, debt: 0 }
  }
  if (!award.ledger_transaction_id) return { status: 'reversed', clawedBack: 0, debt: 0 }
  const reversal = await reverseAward(trx, {
    transactionId: award.ledger_transaction_id,
    idempotencyKey: `clawback:${award.id}`,
    actorId,
    memo: reason,
  })
  if (reversal.shortfall > 0) await awardsRepo.addDebt(trx, award.user_id, reversal.shortfall)
  return { status: 'reversed', clawedBack: reversal.clawedBack, debt: reversal.shortfall }
}

export function awardReason(kind: AwardKind, detail: string): string {
  return detail ? `${AWARD_KIND_LABELS[kind]}：${detail}` : AWARD_KIND_LABELS[kind]
}

/** The award policy in force at a region: settings and rules, each from the nearest region that sets them. */
export async function awardPolicyAt(db: Queryable, regionId: number) {
  const region = await regionsRepo.findById(db, regionId)
  if (!region) throw errors.notFound()
  const path = idsOnPath(region.path)
  const regions = new Map((await regionsRepo.findByIds(db, path)).map((r) => [r.id, r]))
  const ref = (id: number) => {
    const r = regions.get(id)!
    return { id: r.id, name: r.name, level: r.level }
  }
  const depth = (id: number) => path.indexOf(id)
  const settings = (await awardsRepo.settingsFor(db, path)).sort((a, b) => depth(b.region_id) - depth(a.region_id))[0]
  const rules = new Map<string, { fromRegion: ReturnType<typeof ref>; kind: any; categoryCode: string; points: number; autoApprove: boolean }>()
  const allRules = await db('award_rules').whereIn('region_id', path)
  for (const rule of allRules.sort((a, b) => depth(b.region_id) - depth(a.region_id))) {
    const key = `${rule.kind}:${rule.category_code}`
    if (!rules.has(key)) {
      rules.set(key, { fromRegion: ref(Number(rule.region_id)), kind: rule.kind, categoryCode: rule.category_code, points: Number(rule.points), autoApprove: Boolean(rule.auto_approve) })
    }
  }
  return {
    region: ref(region.id),
    settings: settings
      ? {
          fromRegion: ref(settings.region_id),
          monthlyBudget: settings.monthly_budget,
          dailyCapPerResident: settings.daily_cap_per_resident,
          monthlyCapPerResident: settings.monthly_cap_per_resident,
          pointsValidMonths: settings.points_valid_months,
          usedThisMonth: await awardsRepo.budgetUsed(db, settings.region_id, chinaMonthKey(new Date())),
        }
      : null,
    rules: [...rules.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.categoryCode.localeCompare(b.categoryCode)),
  }
}
