import type { Trx } from '../db/knex'
import { templateTime } from '../integrations/wechat'
import type { AwardRow } from '../repositories/awards'
import type { RedemptionRow } from '../repositories/redemptions'
import type { RewardRow } from '../repositories/rewards'
import { NOTICE_PAGES, notify } from './notify'

/** Tells a resident an award was decided: points arrived (perhaps fewer, at a cap), or not. */
export async function noticeAwardDecided(trx: Trx, award: AwardRow, now = new Date()): Promise<void> {
  if (award.status !== 'approved' && award.status !== 'rejected') return
  const points = award.status === 'approved' ? (award.granted_points ?? award.points) : award.points
  const note = award.decision_note ?? ''
  await notify(trx, [award.user_id], {
    kind: award.status === 'approved' ? 'award_approved' : 'award_rejected',
    ref: `award:${award.id}`,
    body: award.status === 'approved'
      ? `${award.reason}：${points} 积分已到账${note ? `（${note}）` : ''}`
      : `${award.reason}：积分奖励未通过${note ? `，${note}` : ''}`,
    page: NOTICE_PAGES.points, vars: { points: String(points), reason: award.reason, note, time: templateTime(now) }, at: now,
  })
}

/** An award taken back (a report found false, a duplicate, a verification overturned), and why. */
export async function noticeAwardReversed(trx: Trx, award: AwardRow, taken: { clawedBack: number; debt: number }, reason: string, now = new Date()): Promise<void> {
  const debt = taken.debt > 0 ? `，余额不足的 ${taken.debt} 积分将从之后获得的积分中抵扣` : ''
  const body = award.status === 'rejected' ? `${award.reason}：积分奖励不再发放（${reason}）` : `${award.reason}：已撤回 ${taken.clawedBack + taken.debt} 积分（${reason}）${debt}`
  await notify(trx, [award.user_id], {
    kind: 'award_reversed', ref: `award-reversed:${award.id}`, body,
    page: NOTICE_PAGES.points, vars: { points: String(taken.clawedBack + taken.debt), reason, debt: String(taken.debt), time: templateTime(now) }, at: now,
  })
}

function redemptionVars(redemption: RedemptionRow, reward: RewardRow, now: Date) {
  return { reward: reward.title, place: reward.pickup_place, deadline: templateTime(new Date(redemption.expires_at)), time: templateTime(now) }
}

/** A redeemed reward is waiting at its pickup place. */
export async function noticeRedemptionReady(trx: Trx, redemption: RedemptionRow, reward: RewardRow, now: Date): Promise<void> {
  const vars = redemptionVars(redemption, reward, now)
  await notify(trx, [redemption.user_id], {
    kind: 'redemption_ready', ref: `redemption:${redemption.id}`,
    body: `“${reward.title}”兑换成功，请在 ${vars.deadline} 前到 ${reward.pickup_place} 出示领取码领取`,
    page: NOTICE_PAGES.redemption(redemption.id), vars, at: now,
  })
}

/** The pickup window closes soon; once per redemption. */
export async function noticeRedemptionExpiring(trx: Trx, redemption: RedemptionRow, reward: RewardRow, now: Date): Promise<void> {
  const vars = redemptionVars(redemption, reward, now)
  await notify(trx, [redemption.user_id], {
    kind: 'redemption_expiring', ref: `redemption:${redemption.id}`,
    body: `“${reward.title}”还未领取，${vars.deadline} 后失效，积分将退回`,
    page: NOTICE_PAGES.redemption(redemption.id), vars, at: now,
  })
}

/** A finished (or auto-closed) patrol was judged. */
export async function noticePatrolJudged(
  trx: Trx,
  patrol: { id: number; userId: number; valid: boolean; durationS: number; distanceM: number; reasons: string[] },
  now: Date,
): Promise<void> {
  const minutes = Math.round(patrol.durationS / 60)
  const km = (patrol.distanceM / 1000).toFixed(1)
  await notify(trx, [patrol.userId], {
    kind: 'patrol_judged', ref: `patrol:${patrol.id}`,
    body: patrol.valid
      ? `本次巡逻有效：${minutes} 分钟，${km} 公里，感谢您守护平安`
      : `本次巡逻未通过：${patrol.reasons.join('；') || '不符合巡逻要求'}`,
    page: NOTICE_PAGES.patrol(patrol.id),
    vars: { result: patrol.valid ? '有效' : '无效', duration: `${minutes}分钟`, distance: `${km}公里`, team: '', time: templateTime(now) },
    at: now,
  })
}
