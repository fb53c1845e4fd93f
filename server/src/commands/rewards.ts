import type { RewardInput } from '@anju/shared'
import type { Trx } from '../db/knex'
import { errors } from '../errors'
import { authorize, type Actor } from '../policies'
import { regionsRepo } from '../repositories/regions'
import { rewardsRepo, type RewardFields } from '../repositories/rewards'

function fieldsOf(input: RewardInput): RewardFields {
  return {
    regionId: input.regionId,
    title: input.title,
    description: input.description,
    imageUrl: input.imageUrl,
    pointsCost: input.pointsCost,
    perResidentLimit: input.perResidentLimit,
    validFrom: new Date(input.validFrom),
    validUntil: new Date(input.validUntil),
    pickupPlace: input.pickupPlace,
    pickupInstructions: input.pickupInstructions,
  }
}

async function scopeRegion(trx: Trx, actor: Actor, regionId: number) {
  const region = await regionsRepo.findById(trx, regionId)
  if (!region) throw errors.notFound()
  authorize(actor, 'reward.manage', { regionPath: region.path })
  return region
}

export async function createReward(trx: Trx, { actor, input }: { actor: Actor; input: RewardInput }) {
  await scopeRegion(trx, actor, input.regionId)
  return rewardsRepo.insert(trx, { ...fieldsOf(input), stock: input.stock, createdBy: actor.id })
}

export async function updateReward(trx: Trx, { actor, rewardId, input }: { actor: Actor; rewardId: number; input: RewardInput }) {
  const reward = await rewardsRepo.findById(trx, rewardId)
  if (!reward) throw errors.notFound()
  await scopeRegion(trx, actor, reward.region_id)
  await scopeRegion(trx, actor, input.regionId)
  // Taken down is final: residents' pending codes stay valid, but the reward itself no longer changes.
  if (reward.status === 'archived') throw errors.rewardArchived()
  if (!(await rewardsRepo.update(trx, rewardId, { ...fieldsOf(input), stock: input.stock }))) {
    throw errors.conflict({ fields: [{ path: 'stock', message: '库存不能少于已兑出的数量' }] })
  }
  return rewardId
}

export async function archiveReward(trx: Trx, { actor, rewardId }: { actor: Actor; rewardId: number }) {
  const reward = await rewardsRepo.findById(trx, rewardId)
  if (!reward) throw errors.notFound()
  await scopeRegion(trx, actor, reward.region_id)
  await rewardsRepo.archive(trx, rewardId)
  return rewardId
}
