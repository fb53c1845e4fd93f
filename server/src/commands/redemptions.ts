import { randomBytes, randomUUID } from 'node:crypto'
import { PICKUP_CODE_ALPHABET } from '@anju/shared'
import type { Queryable, Trx } from '../db/knex'
import { errors } from '../errors'
import { balanceOf, lockResidentAccount, refundPoints, spendPoints } from '../ledger'
import type { Actor } from '../policies'
import { redemptionsRepo, type RedemptionRow } from '../repositories/redemptions'
import { noticeRedemptionExpiring, noticeRedemptionReady } from './residentNotices'
import { rewardsRepo, type RewardRow } from '../repositories/rewards'
import { idsOnPath, regionsRepo } from '../repositories/regions'
import { usersRepo, type UserRow } from '../repositories/users'
import { residencyBlock } from './community'

/**
 * 16 random base32 characters (80 bits) in groups of four: unguessable, and easy to type at a counter.
 * Staff may type it back in any case and with any separators: the shared schema normalises it.
 */
export function newPickupCode(): string {
  const bytes = randomBytes(16)
  const chars = Array.from(bytes, (b) => PICKUP_CODE_ALPHABET[b % 32]).join('')
  return chars.match(/.{4}/g)!.join('-')
}

/** The regions whose rewards a resident may redeem: their community and its ancestors (or the city alone). */
export async function rewardScopeOf(trx: Queryable, actor: Actor): Promise<number[]> {
  if (actor.region) return idsOnPath(actor.region.path)
  return (await regionsRepo.listRoots(trx)).map((r) => r.id)
}

/** Why the reward cannot be redeemed right now, or null. Balance and limits are checked at redemption. */
export function rewardUnavailableReason(reward: RewardRow, now: Date): string | null {
  if (reward.status !== 'active') return '已下架'
  if (new Date(reward.valid_from) > now) return '未到兑换时间'
  if (new Date(reward.valid_until) <= now) return '兑换已结束'
  if (reward.stock_remaining <= 0) return '已兑完'
  return null
}

/**
 * Turns a redemption away when plain reads already show it would fail (unknown reward, outside the window, sold
 * out, residency, the resident's limit, too few points), in the order redeemReward judges them, before any
 * transaction or lock: in a flash sale most callers lose, and each loser then costs no more than a read.
 * redeemReward judges everything again under its locks; this only spares the work.
 */
export async function refuseRedemptionEarly(
  db: Queryable,
  { actor, user, rewardId, minResidenceDays, now }: {
    actor: Actor; user: Pick<UserRow, 'community_since'>; rewardId: number; minResidenceDays: number; now: Date
  },
): Promise<void> {
  const reward = await rewardsRepo.findById(db, rewardId)
  if (!reward || !(await rewardScopeOf(db, actor)).includes(reward.region_id)) throw errors.notFound()
  const unavailable = rewardUnavailableReason(reward, now)
  if (unavailable === '已兑完') throw errors.soldOut()
  if (unavailable) throw errors.rewardNotAvailable(`该礼品${unavailable}`)
  if (user.community_since !== null) {
    const blocked = residencyBlock(user, (await regionsRepo.findById(db, reward.region_id))!, minResidenceDays, now)
    if (blocked) throw errors.rewardResidenceRequired(blocked.message, { redeemableFrom: blocked.redeemableFrom.toISOString() })
  }
  if ((await redemptionsRepo.countHeld(db, actor.id, reward.id)) >= reward.per_resident_limit) throw errors.redemptionLimitReached()
  if ((await balanceOf(db, actor.id)) < reward.points_cost) throw errors.insufficientPoints()
}

/**
 * Redeems a reward in one transaction: checks the window, the resident's limit and balance, debits the
 * points and takes one from stock, and issues a pickup code. The stock row is touched last, so its lock is
 * held for the shortest time when thousands redeem at once; once it is gone, callers are turned away
 * before they lock anything.
 */
export async function redeemReward(
  trx: Trx,
  { actor, rewardId, code, pickupDays, minResidenceDays, now }: {
    actor: Actor; rewardId: number; code: string; pickupDays: number; minResidenceDays: number; now: Date
  },
): Promise<{ redemption: RedemptionRow; reward: RewardRow }> {
  const reward = await rewardsRepo.findById(trx, rewardId)
  if (!reward || !(await rewardScopeOf(trx, actor)).includes(reward.region_id)) throw errors.notFound()
  const unavailable = rewardUnavailableReason(reward, now)
  if (unavailable === '已兑完') throw errors.soldOut()
  if (unavailable) throw errors.rewardNotAvailable(`该礼品${unavailable}`)
  const blocked = residencyBlock((await usersRepo.findById(trx, actor.id))!, (await regionsRepo.findById(trx, reward.region_id))!, minResidenceDays, now)
  if (blocked) throw errors.rewardResidenceRequired(blocked.message, { redeemableFrom: blocked.redeemableFrom.toISOString() })

  // Serialises this resident's redemptions, so the per-resident limit cannot be passed by two at once.
  await lockResidentAccount(trx, actor.id, now)
  if ((await redemptionsRepo.countHeld(trx, actor.id, reward.id)) >= reward.per_resident_limit) {
    throw errors.redemptionLimitReached()
  }

  const id = randomUUID()
  await redemptionsRepo.insert(trx, {
    id,
    code,
    rewardId: reward.id,
    userId: actor.id,
    points: reward.points_cost,
    expiresAt: new Date(now.getTime() + pickupDays * 24 * 60 * 60 * 1000),
  })
  await spendPoints(trx, {
    idempotencyKey: `redeem:${id}`,
    userId: actor.id,
    regionId: reward.region_id,
    points: reward.points_cost,
    redemptionId: id,
    memo: reward.title,
    at: now,
  })
  const redemption = (await redemptionsRepo.findById(trx, id))!
  // Queued before the stock row is touched, so that row's lock is held only for the last statement.
  await noticeRedemptionReady(trx, redemption, reward, now)
  if (!(await rewardsRepo.takeOne(trx, reward.id))) throw errors.soldOut()
  return { redemption, reward }
}

/** Gives back the points and the stock of a redemption that was just closed without pickup. */
async function giveBack(trx: Trx, redemption: RedemptionRow, actorId: number | null, now: Date) {
  const reward = (await rewardsRepo.findById(trx, redemption.reward_id))!
  await refundPoints(trx, {
    idempotencyKey: `refund:${redemption.id}`,
    userId: redemption.user_id,
    regionId: reward.region_id,
    points: redemption.points,
    redemptionId: redemption.id,
    actorId,
    memo: reward.title,
    at: now,
  })
  await rewardsRepo.putBackOne(trx, reward.id)
}

/** The resident cancels before pickup; points and stock come back exactly once. */
export async function cancelRedemption(trx: Trx, { actor, redemptionId, now }: { actor: Actor; redemptionId: string; now: Date }) {
  const redemption = await redemptionsRepo.findById(trx, redemptionId)
  if (!redemption || redemption.user_id !== actor.id) throw errors.notFound()
  if (!(await redemptionsRepo.close(trx, redemptionId, 'cancelled', actor.id, now))) throw errors.redemptionNotReserved()
  await giveBack(trx, redemption, actor.id, now)
  return (await redemptionsRepo.findById(trx, redemptionId))!
}

/** Staff hand the reward over against its code. */
export async function fulfilRedemption(
  trx: Trx,
  { actor, redemption, now }: { actor: Actor; redemption: RedemptionRow; now: Date },
): Promise<RedemptionRow> {
  if (!(await redemptionsRepo.close(trx, redemption.id, 'fulfilled', actor.id, now))) {
    const current = (await redemptionsRepo.findById(trx, redemption.id))!
    if (current.status === 'reserved') throw errors.redemptionExpired()
    throw errors.redemptionNotReserved()
  }
  return (await redemptionsRepo.findById(trx, redemption.id))!
}

/** Expires an unclaimed redemption past its window; false when it was picked up or closed meanwhile. */
export async function expireRedemption(trx: Trx, { redemptionId, now }: { redemptionId: string; now: Date }): Promise<boolean> {
  const redemption = await redemptionsRepo.findById(trx, redemptionId)
  if (!redemption) return false
  if (!(await redemptionsRepo.close(trx, redemptionId, 'expired', null, now))) return false
  await giveBack(trx, redemption, null, now)
  return true
}

/** Reminds the resident of an unclaimed reward whose pickup window closes within the configured hours; once each. */
export async function remindExpiringRedemption(trx: Trx, { redemptionId, now }: { redemptionId: string; now: Date }): Promise<boolean> {
  const redemption = await redemptionsRepo.findById(trx, redemptionId)
  if (!redemption || !(await redemptionsRepo.markReminded(trx, redemptionId, now))) return false
  await noticeRedemptionExpiring(trx, redemption, (await rewardsRepo.findById(trx, redemption.reward_id))!, now)
  return true
}
