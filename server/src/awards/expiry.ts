/**
 * Points expiry, for regions that enable it (award settings `pointsValidMonths`). Points lapse oldest first:
 * what a resident earned before the cutoff and has not used since moves to the expiry sink of the region whose
 * setting applies, the resident's community or its nearest ancestor with settings of its own.
 */
import type { Queryable, Trx } from '../db/knex'
import { accountKeyOf, balanceOf, earnedSince, expirable, expirePoints, lockResidentAccount, type ResidentAccount } from '../ledger'
import { chinaDayMonthsBefore } from '../lib/chinaTime'
import { awardsRepo } from '../repositories/awards'
import { idsOnPath, regionsRepo } from '../repositories/regions'

export interface PointsValidity {
  /** The region whose setting applies; expired points go to its expiry sink. */
  regionId: number
  months: number
}

/** The validity in force for a resident, or null when their points never expire. */
export async function pointsValidityOf(db: Queryable, userId: number): Promise<PointsValidity | null> {
  const user = await db('users').where({ id: userId }).first('region_id')
  if (!user?.region_id) return null
  const region = await regionsRepo.findById(db, Number(user.region_id))
  return region ? validityIn(db, region) : null
}

/** The validity in force in a region (the resident's community), or null when points there never expire. */
async function validityIn(db: Queryable, region: { path: string }): Promise<PointsValidity | null> {
  const path = idsOnPath(region.path)
  const nearest = (await awardsRepo.settingsFor(db, path)).sort((a, b) => path.indexOf(b.region_id) - path.indexOf(a.region_id))[0]
  return nearest?.points_valid_months ? { regionId: nearest.region_id, months: nearest.points_valid_months } : null
}

/**
 * Expires what has lapsed for one resident as of `now`, under their account lock, so no redemption can spend the
 * same points meanwhile. Answers the points expired (0 when nothing had lapsed).
 */
export async function expireResidentPoints(trx: Trx, userId: number, now: Date): Promise<number> {
  const validity = await pointsValidityOf(trx, userId)
  if (!validity) return 0
  await lockResidentAccount(trx, userId, now)
  const cutoff = chinaDayMonthsBefore(now, validity.months)
  const [due] = await expirable(trx, { cutoff: cutoff.start, residents: [userId], limit: 1 })
  const points = Math.min(due?.points ?? 0, await balanceOf(trx, userId))
  if (points <= 0) return 0
  // Keyed by the account's position in its chain, read under the lock: a retry of this transaction replays it.
  const head = await trx('ledger_accounts').where({ account_key: accountKeyOf({ kind: 'resident', userId }), slot: 0 }).first('head_seq')
  await expirePoints(trx, {
    idempotencyKey: `expiry:${userId}:${Number(head.head_seq)}`,
    userId,
    regionId: validity.regionId,
    points,
    cutoffDay: cutoff.day,
    memo: `${cutoff.day} 之前获得的积分已过有效期（${validity.months} 个月）`,
    at: now,
  })
  return points
}

/** Residents with lapsed points under one expiry setting, at most `limit`; nearer settings govern their own subtrees. */
export async function residentsWithLapsedPoints(db: Queryable, now: Date, limit: number) {
  const withSettings = await awardsRepo.settingsRegionPaths(db)
  const found: number[] = []
  for (const setting of await awardsRepo.expirySettings(db)) {
    if (found.length >= limit) break
    const residents = db('users as u').join('regions as r', 'r.id', 'u.region_id').where('r.path', 'like', `${setting.path}%`).select('u.id')
    for (const nearer of withSettings.filter((p) => p !== setting.path && p.startsWith(setting.path))) {
      residents.andWhere('r.path', 'not like', `${nearer}%`)
    }
    const due = await expirable(db, { cutoff: chinaDayMonthsBefore(now, setting.months).start, residents, limit: limit - found.length })
    found.push(...due.map((d) => d.userId))
  }
  return found
}

const SOON_DAYS = 30

/**
 * Points that will have lapsed within the next 30 days, for the resident's 积分 page; null when none will. Takes
 * what the request already holds: the resident's community (with its path) and their account row.
 */
export async function pointsExpiringSoon(
  db: Queryable,
  resident: { userId: number; region: { path: string } | null; account: ResidentAccount },
  now: Date,
): Promise<{ points: number; before: string } | null> {
  const validity = resident.region ? await validityIn(db, resident.region) : null
  if (!validity) return null
  const { balance } = resident.account
  if (balance <= 0) return null
  const horizon = new Date(now.getTime() + SOON_DAYS * 24 * 60 * 60 * 1000)
  // Points are used oldest first: whatever of the balance was not earned since the cutoff lapses by then.
  const due = balance - (await earnedSince(db, resident.userId, chinaDayMonthsBefore(horizon, validity.months).start, resident.account))
  return due > 0 ? { points: due, before: horizon.toISOString() } : null
}
