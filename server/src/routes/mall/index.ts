import { api } from '@anju/shared'
import {
  cancelRedemption, fulfilRedemption, newPickupCode, redeemReward, refuseRedemptionEarly, rewardScopeOf, rewardUnavailableReason,
} from '../../commands/redemptions'
import { residencyBlock } from '../../commands/community'
import { archiveReward, createReward, updateReward } from '../../commands/rewards'
import type { Services } from '../../context'
import type { PhotoUrlFor } from '../../lib/photoLinks'
import type { Queryable } from '../../db/knex'
import { errors } from '../../errors'
import { authorize, can, requireReviewer, type Actor } from '../../policies'
import { presentRedemption, presentReward } from '../../presenters/mall'
import { redemptionsRepo } from '../../repositories/redemptions'
import { regionsRepo } from '../../repositories/regions'
import { rewardsRepo, type RewardRow } from '../../repositories/rewards'
import type { UserRow } from '../../repositories/users'
import { requireUser } from '../../middleware/authenticate'
import { route, type AppRouter } from '../define'

interface CatalogueView {
  now: Date
  pickupDays: number
  /** The resident browsing the mall: each reward then says how many of it they already hold. */
  resident?: Actor
  /** Signed picture links for whoever is looking. */
  photoUrl: PhotoUrlFor
  /** How recently the resident moved community, if they did: a community's own rewards wait for it. */
  residency?: { user: Pick<UserRow, 'community_since'>; minDays: number }
}

/**
 * The catalogue as `viewer` sees it; pass `resident` (and their row, for how long they have lived in their
 * community) when the viewer browses the mall as one.
 */
function catalogueView(
  services: Pick<Services, 'config' | 'photoLinks'>, viewer: Actor, resident?: { actor: Actor; user: UserRow | undefined },
): CatalogueView {
  const now = new Date()
  return {
    now, pickupDays: services.config.redemptionPickupDays, resident: resident?.actor,
    photoUrl: services.photoLinks.forViewer(viewer.id, now),
    residency: resident?.user ? { user: resident.user, minDays: services.config.community.rewardMinDays } : undefined,
  }
}

async function presentRewards(db: Queryable, rows: RewardRow[], { now, pickupDays, resident, photoUrl, residency }: CatalogueView) {
  const pickups = await rewardsRepo.pickupRegionIds(db, rows.map((r) => r.id))
  const regionIds = new Set([...rows.map((r) => r.region_id), ...[...pickups.values()].flat()])
  const regions = new Map((await regionsRepo.shownByIds(db, [...regionIds])).map((r) => [r.id, r]))
  const held = resident ? await redemptionsRepo.countHeldByReward(db, resident.id, rows.map((r) => r.id)) : null
  return rows.map((r) =>
    presentReward(r, regions.get(r.region_id)!, (pickups.get(r.id) ?? []).map((id) => regions.get(id)!), {
      unavailableReason: rewardUnavailableReason(r, now)
        ?? (residency && residencyBlock(residency.user, regions.get(r.region_id)!, residency.minDays, now)?.message) ?? null,
      redeemedByMe: held ? (held.get(r.id) ?? 0) : null,
      pickupDays,
      photoUrl,
    }),
  )
}

/**
 * A redemption found by its code, if the actor works where the reward is handed over (a pickup region, or the
 * reward's own region when none is set, or above one). Any other code reads exactly like one that does not
 * exist: 领取码无效.
 */
async function fulfillable(db: Queryable, actor: Actor, code: string) {
  const redemption = await redemptionsRepo.findByCode(db, code)
  const reward = redemption && (await rewardsRepo.findById(db, redemption.reward_id))
  const pickupIds = reward ? ((await rewardsRepo.pickupRegionIds(db, [reward.id])).get(reward.id) ?? [reward.region_id]) : []
  const pickupPaths = (await regionsRepo.findByIds(db, pickupIds)).map((r) => r.path)
  if (!redemption || !reward || !can(actor, 'redemption.fulfil', { pickupPaths })) throw errors.pickupCodeInvalid()
  return { redemption, reward }
}

async function managedReward(db: Queryable, rewardId: number, view: CatalogueView) {
  const row = (await rewardsRepo.findById(db, rewardId))!
  return (await presentRewards(db, [row], view))[0]!
}

export function mallRoutes(router: AppRouter) {
  route(router, api.rewards, async (ctx, { actor }) => {
    const { db } = ctx.services
    const rows = await rewardsRepo.listActiveIn(db, await rewardScopeOf(db, actor))
    const view = catalogueView(ctx.services, actor, { actor, user: requireUser(ctx) })
    const items = await presentRewards(db, rows, view)
    return { items: items.filter((r) => new Date(r.validUntil) > view.now) }
  })

  route(router, api.reward, async (ctx, { actor, params }) => {
    const { db } = ctx.services
    const row = await rewardsRepo.findById(db, params.id)
    if (!row || !(await rewardScopeOf(db, actor)).includes(row.region_id)) throw errors.notFound()
    return (await presentRewards(db, [row], catalogueView(ctx.services, actor, { actor, user: requireUser(ctx) })))[0]!
  })

  route(router, api.redeemReward, async (ctx, { actor, params, transact }) => {
    authorize(actor, 'reward.redeem', undefined)
    const now = new Date()
    const minResidenceDays = ctx.services.config.community.rewardMinDays
    // Most callers of a flash sale lose: they are turned away by reads alone, before a transaction is begun.
    await refuseRedemptionEarly(ctx.services.db, { actor, user: requireUser(ctx), rewardId: params.id, minResidenceDays, now })
    // The QR image is not drawn here: the redemption's own view draws it (the app opens that view next).
    return transact(async (trx) => {
      const { redemption, reward } = await redeemReward(trx, {
        actor, rewardId: params.id, code: newPickupCode(), pickupDays: ctx.services.config.redemptionPickupDays,
        minResidenceDays, now,
      })
      return presentRedemption(trx, redemption, reward, { as: 'owner', now })
    })
  })

  route(router, api.myRedemptions, async (ctx, { actor }) => {
    const { db } = ctx.services
    const rows = await redemptionsRepo.listOf(db, actor.id)
    const rewards = new Map((await rewardsRepo.findByIds(db, [...new Set(rows.map((r) => r.reward_id))])).map((r) => [r.id, r]))
    const now = new Date()
    return { items: await Promise.all(rows.map((row) => presentRedemption(db, row, rewards.get(row.reward_id)!, { as: 'owner', now }))) }
  })

  route(router, api.redemption, async (ctx, { actor, params }) => {
    const { db } = ctx.services
    const row = await redemptionsRepo.findById(db, params.id)
    if (!row || row.user_id !== actor.id) throw errors.notFound()
    return presentRedemption(db, row, (await rewardsRepo.findById(db, row.reward_id))!, { as: 'owner', now: new Date(), drawQr: true })
  })

  route(router, api.cancelRedemption, async (ctx, { actor, params, transact }) => {
    const now = new Date()
    return transact(async (trx) => {
      const row = await cancelRedemption(trx, { actor, redemptionId: params.id, now })
      return presentRedemption(trx, row, (await rewardsRepo.findById(trx, row.reward_id))!, { as: 'owner', now })
    })
  })

  route(router, api.staffRewards, async (ctx, { actor }) => {
    requireReviewer(actor)
    const { db } = ctx.services
    return { items: await presentRewards(db, await rewardsRepo.listInSubtree(db, actor.region.path), catalogueView(ctx.services, actor)) }
  })

  route(router, api.createReward, async (ctx, { actor, body, transact }) =>
    transact(async (trx) => managedReward(trx, await createReward(trx, { actor, input: body }), catalogueView(ctx.services, actor))),
  )

  route(router, api.updateReward, async (ctx, { actor, params, body, transact }) =>
    transact(async (trx) => managedReward(trx, await updateReward(trx, { actor, rewardId: params.id, input: body }), catalogueView(ctx.services, actor))),
  )

  route(router, api.archiveReward, async (ctx, { actor, params, transact }) =>
    transact(async (trx) => managedReward(trx, await archiveReward(trx, { actor, rewardId: params.id }), catalogueView(ctx.services, actor))),
  )

  route(router, api.lookupRedemption, async (ctx, { actor, params }) => {
    const { redemption, reward } = await fulfillable(ctx.services.db, actor, params.code)
    return presentRedemption(ctx.services.db, redemption, reward, { as: 'staff', now: new Date() })
  })

  route(router, api.fulfilRedemption, async (ctx, { actor, body, transact }) => {
    const now = new Date()
    return transact(async (trx) => {
      const { redemption, reward } = await fulfillable(trx, actor, body.code)
      const done = await fulfilRedemption(trx, { actor, redemption, now })
      return presentRedemption(trx, done, reward, { as: 'staff', now })
    })
  })
}
