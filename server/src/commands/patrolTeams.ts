import { randomBytes } from 'node:crypto'
import type { PatrolRouteInput } from '@anju/shared'
import type { Trx } from '../db/knex'
import { isUniqueViolation } from '../db/transaction'
import { errors } from '../errors'
import type { Actor } from '../policies'
import { membershipsRepo, patrolRoutesRepo, patrolTeamsRepo, type MembershipRow } from '../repositories/patrolTeams'
import { regionsRepo } from '../repositories/regions'
import { usersRepo } from '../repositories/users'

export const newTokenSalt = () => randomBytes(12).toString('base64url')

/** A team belongs to one community. */
export async function createPatrolTeam({ trx, input }: { trx: Trx; input: { regionId: number; name: string } }) {
  const region = await regionsRepo.findById(trx, input.regionId)
  if (!region) throw errors.notFound()
  if (region.level !== 'community') throw errors.patrolTeamRegionInvalid()
  return patrolTeamsRepo.insert(trx, { regionId: region.id, name: input.name })
}

/** A resident asks to join; after a decline they may ask again. */
export async function applyToPatrolTeam({ trx, actor, teamId }: { trx: Trx; actor: Actor; teamId: number }): Promise<number> {
  const existing = await membershipsRepo.find(trx, teamId, actor.id)
  if (existing) {
    if (existing.status !== 'declined') throw errors.patrolMembershipExists()
    if (!(await membershipsRepo.transition(trx, existing.id, 'declined', 'applied', null))) throw errors.patrolMembershipExists()
    return existing.id
  }
  try {
    return await membershipsRepo.insert(trx, teamId, actor.id)
  } catch (err) {
    if (isUniqueViolation(err)) throw errors.patrolMembershipExists()
    throw err
  }
}

/**
 * Staff accept or decline an application. Accepting makes a resident a volunteer; the membership stays the
 * truth about which team they patrol for.
 */
export async function decidePatrolMembership({
  trx, actor, membership, decision,
}: { trx: Trx; actor: Actor; membership: MembershipRow; decision: 'accepted' | 'declined' }) {
  if (!(await membershipsRepo.transition(trx, membership.id, 'applied', decision, actor.id))) throw errors.patrolMembershipDecided()
  if (decision === 'accepted') {
    const user = await usersRepo.findById(trx, membership.user_id)
    if (user?.role === 'resident') await usersRepo.update(trx, user.id, { role: 'volunteer' })
  }
}

export async function createPatrolRoute({ trx, teamId, input }: { trx: Trx; teamId: number; input: PatrolRouteInput }) {
  const routeId = await patrolRoutesRepo.insert(trx, teamId, input.name)
  let seq = 0
  for (const c of input.checkpoints) {
    await patrolRoutesRepo.insertCheckpoint(trx, { routeId, seq: ++seq, ...c, tokenSalt: newTokenSalt() })
  }
  return routeId
}

/** A new token version and salt: every code printed before stops passing. */
export async function rotateCheckpointToken({ trx, checkpointId }: { trx: Trx; checkpointId: number }) {
  const checkpoint = await patrolRoutesRepo.findCheckpoint(trx, checkpointId)
  if (!checkpoint) throw errors.notFound()
  if (!(await patrolRoutesRepo.rotateToken(trx, checkpoint.id, checkpoint.token_version, newTokenSalt()))) throw errors.conflict()
  return (await patrolRoutesRepo.findCheckpoint(trx, checkpoint.id))!
}
