import type { RewardInput } from '@anju/shared'
import type { Trx } from '../db/knex'
import { errors } from '../errors'
import { authorize, type Actor } from '../policies'
import { regionsRepo, type RegionRow } from '../repositories/regions'
import { rewardsRepo, type RewardFields } from '../repositories/rewards'
import { uploadsRepo } from '../repositories/uploads'

function fieldsOf(input: RewardInput, imageUploadId: string | null): RewardFields {
  return {
    regionId: input.regionId,
    title: input.title,
    description: input.description,
    imageUploadId,
    pointsCost: input.pointsCost,
    perResidentLimit: input.perResidentLimit,
    validFrom: new Date(input.validFrom),
    validUntil: new Date(input.validUntil),
    pickupPlace: input.pickupPlace,
    pickupInstructions: input.pickupInstructions,
  }
}

/**
 * Sets where the reward is handed over. Each pickup region lies inside the reward's region (a city reward may be
 * picked up at each street's centre; a community's cannot be handed out in another community). Undefined keeps
 * what was set.
 */
async function setPickupRegions(trx: Trx, rewardId: number, region: RegionRow, pickupRegionIds: number[] | undefined) {
  if (pickupRegionIds === undefined) return
  const ids = [...new Set(pickupRegionIds)]
  const found = await regionsRepo.findByIds(trx, ids)
  if (found.length !== ids.length || found.some((r) => !r.path.startsWith(region.path))) {
    throw errors.invalidField('pickupRegionIds', '领取地点须在礼品的适用范围内')
  }
  await rewardsRepo.setPickupRegions(trx, rewardId, ids)
}

async function scopeRegion(trx: Trx, actor: Actor, regionId: number) {
  const region = await regionsRepo.findById(trx, regionId)
  if (!region) throw errors.notFound()
  authorize(actor, 'reward.manage', { regionPath: region.path })
  return region
}

/**
 * Puts upload `to` in place of `from` as the reward's picture. The new one must be the actor's own and unused, as
 * a report's photos must; the old one becomes unattached again, and the upload sweep removes it.
 */
async function replaceImage(trx: Trx, actor: Actor, rewardId: number, from: string | null, to: string | null) {
  if (from === to) return
  if (from) await uploadsRepo.detachFromReward(trx, from, rewardId)
  if (to && !(await uploadsRepo.attachToReward(trx, to, actor.id, rewardId))) throw errors.photoNotFound()
}

export async function createReward(trx: Trx, { actor, input }: { actor: Actor; input: RewardInput }) {
  const region = await scopeRegion(trx, actor, input.regionId)
  const imageUploadId = input.imageUploadId ?? null
  const rewardId = await rewardsRepo.insert(trx, { ...fieldsOf(input, imageUploadId), stock: input.stock, createdBy: actor.id })
  await replaceImage(trx, actor, rewardId, null, imageUploadId)
  await setPickupRegions(trx, rewardId, region, input.pickupRegionIds)
  return rewardId
}

export async function updateReward(trx: Trx, { actor, rewardId, input }: { actor: Actor; rewardId: number; input: RewardInput }) {
  const reward = await rewardsRepo.lock(trx, rewardId)
  if (!reward) throw errors.notFound()
  await scopeRegion(trx, actor, reward.region_id)
  const region = await scopeRegion(trx, actor, input.regionId)
  // Taken down is final: residents' pending codes stay valid, but the reward itself no longer changes.
  if (reward.status === 'archived') throw errors.rewardArchived()
  // A caller that does not send the picture (one written before rewards had pictures) leaves it as it is.
  const imageUploadId = input.imageUploadId === undefined ? reward.image_upload_id : input.imageUploadId
  if (!(await rewardsRepo.update(trx, rewardId, { ...fieldsOf(input, imageUploadId), stock: input.stock }))) {
    throw errors.conflict({ fields: [{ path: 'stock', message: '库存不能少于已兑出的数量' }] })
  }
  await replaceImage(trx, actor, rewardId, reward.image_upload_id, imageUploadId)
  // Moved to another region, pickup regions it had set are checked against the new one.
  const kept = input.pickupRegionIds ?? (input.regionId === reward.region_id ? undefined : (await rewardsRepo.pickupRegionIds(trx, [rewardId])).get(rewardId))
  await setPickupRegions(trx, rewardId, region, kept)
  return rewardId
}

export async function archiveReward(trx: Trx, { actor, rewardId }: { actor: Actor; rewardId: number }) {
  const reward = await rewardsRepo.findById(trx, rewardId)
  if (!reward) throw errors.notFound()
  await scopeRegion(trx, actor, reward.region_id)
  await rewardsRepo.archive(trx, rewardId)
  return rewardId
}
