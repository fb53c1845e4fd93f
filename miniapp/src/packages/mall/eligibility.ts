import type { RewardView } from '@anju/shared'
import { formatDate } from '../../utils/format'

/** What a resident should know before redeeming: their own limit and balance, next to the reward's terms. */
export interface Eligibility {
  /** Pieces already held (reserved or picked up) against the per-resident limit. */
  held: number
  /** Points left after this redemption; negative when the balance is short. */
  balanceAfter: number
  /** Why this resident cannot redeem it now (the reward's own reason first), or null. */
  blocked: string | null
}

export function eligibilityOf(reward: RewardView, balance: number): Eligibility {
  const held = reward.redeemedByMe ?? 0
  const balanceAfter = balance - reward.pointsCost
  let blocked = reward.unavailableReason
  if (!blocked && held >= reward.perResidentLimit) blocked = `已达每人限兑 ${reward.perResidentLimit} 件`
  if (!blocked && balanceAfter < 0) blocked = `积分不足，还差 ${-balanceAfter} 积分`
  return { held, balanceAfter, blocked }
}

/** The lines of the 确认兑换 dialog: the question, then what it costs, the limit, the stock and where to pick up. */
export function confirmationLines(reward: RewardView, balance: number): string[] {
  const { held, balanceAfter } = eligibilityOf(reward, balance)
  return [
    `确认使用 ${reward.pointsCost} 积分兑换「${reward.title}」？`,
    `积分：现有 ${balance}，兑换后剩 ${balanceAfter}`,
    `限兑：每人 ${reward.perResidentLimit} 件，已兑 ${held} 件`,
    `库存：剩余 ${reward.stockRemaining} 件`,
    `领取：${reward.pickupPlace}，兑换后 ${reward.pickupDays} 天内`,
  ]
}

/** '2026-11-25 至 2026-12-31'. */
export function windowOf(reward: RewardView): string {
  return `${formatDate(reward.validFrom)} 至 ${formatDate(reward.validUntil)}`
}
