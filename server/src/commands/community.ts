import type { Config } from '../config'
import type { Trx } from '../db/knex'
import { errors } from '../errors'
import { chinaDateLabel } from '../lib/chinaTime'
import { communityChangesRepo } from '../repositories/communityChanges'
import type { RegionRow } from '../repositories/regions'
import { usersRepo, type UserRow } from '../repositories/users'

const DAY_MS = 24 * 60 * 60 * 1000

async function moveTo(trx: Trx, user: UserRow, to: RegionRow, reason: string, since: Date | null, now: Date) {
  await usersRepo.setCommunity(trx, user.id, to.id, since, now)
  await communityChangesRepo.insert(trx, { userId: user.id, from: user.region_id, to: to.id, reason, now })
}

/**
 * A resident chooses or changes their community. The first choice is free; a change needs a reason, is
 * recorded, and may not follow the previous change within the cool-down. The resident's row is locked, so two
 * changes at once are made one after the other.
 */
export async function changeCommunity(
  { trx, userId, to, reason, rules, now = new Date() }: {
    trx: Trx; userId: number; to: RegionRow; reason: string | undefined; rules: Config['community']; now?: Date
  },
): Promise<UserRow> {
  await usersRepo.lockForUpdate(trx, userId)
  const user = (await usersRepo.findById(trx, userId))!
  if (user.region_id === to.id) return user
  if (user.region_id === null) {
    await moveTo(trx, user, to, reason ?? '', null, now)
    return (await usersRepo.findById(trx, userId))!
  }
  if (!reason) throw errors.invalidField('reason', '更换社区请填写原因')
  if (user.community_since !== null) {
    const next = new Date(new Date(user.community_since).getTime() + rules.changeCooldownDays * DAY_MS)
    if (next > now) {
      throw errors.communityChangeTooSoon(`每 ${rules.changeCooldownDays} 天只能更换一次社区，请于 ${chinaDateLabel(next)} 后再试`, {
        nextChangeAt: next.toISOString(),
      })
    }
  }
  await moveTo(trx, user, to, reason, now, now)
  return (await usersRepo.findById(trx, userId))!
}

/**
 * Why a resident may not yet redeem a reward of `rewardRegion`, or null. City-wide rewards are for everyone;
 * a community's (or street's, or district's) own rewards are for residents who have lived there at least
 * `minDays` since they last moved, so switching community does not open another community's rewards.
 */
export function residencyBlock(
  user: Pick<UserRow, 'community_since'>, rewardRegion: Pick<RegionRow, 'parent_id'>, minDays: number, now: Date,
): { message: string; redeemableFrom: Date } | null {
  if (rewardRegion.parent_id === null || user.community_since === null) return null
  const from = new Date(new Date(user.community_since).getTime() + minDays * DAY_MS)
  if (from <= now) return null
  return { message: `迁入本社区满 ${minDays} 天后才能兑换社区礼品（${chinaDateLabel(from)} 起）`, redeemableFrom: from }
}
