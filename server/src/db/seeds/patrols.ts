import { createPatrolRoute } from '../../commands/patrolTeams'
import { membershipsRepo, patrolTeamsRepo } from '../../repositories/patrolTeams'
import { regionsRepo } from '../../repositories/regions'
import { usersRepo } from '../../repositories/users'
import type { Db } from '../knex'

/** The demo team's route: five checkpoints around 幸福里社区 (GCJ-02), about 1.6 km as a loop. */
export const DEMO_PATROL_CHECKPOINTS = [
  { name: '幸福里社区服务中心', lat: 27.86, lng: 112.94, radiusM: 50 },
  { name: '幸福里小区北门', lat: 27.8628, lng: 112.9412, radiusM: 50 },
  { name: '幸福公园', lat: 27.8641, lng: 112.9446, radiusM: 50 },
  { name: '建设路菜市场', lat: 27.8617, lng: 112.9471, radiusM: 50 },
  { name: '幸福里第二网格活动室', lat: 27.8592, lng: 112.944, radiusM: 50 },
] as const

export const DEMO_PATROL_TEAM = '幸福里平安巡逻队'
export const DEMO_PATROL_ROUTE = '幸福里夜巡路线'
/** A volunteer already accepted into the demo team (h5: 开发登录 with handle `volunteer`). */
export const DEMO_VOLUNTEER = { openid: 'dev:volunteer', displayName: '演示志愿者' }

/** Idempotent: running it again changes nothing. */
export async function seedPatrolDemo(db: Db): Promise<void> {
  await db.transaction(async (trx) => {
    const community = await regionsRepo.findByCode(trx, 'XT-YT-JSL-XFL')
    if (!community || (await patrolTeamsRepo.listUnder(trx, community.path)).some((t) => t.name === DEMO_PATROL_TEAM)) return
    const teamId = await patrolTeamsRepo.insert(trx, { regionId: community.id, name: DEMO_PATROL_TEAM })
    await createPatrolRoute({ trx, teamId, input: { name: DEMO_PATROL_ROUTE, checkpoints: [...DEMO_PATROL_CHECKPOINTS] } })
    const volunteerId =
      (await usersRepo.findByOpenid(trx, DEMO_VOLUNTEER.openid))?.id ??
      (await usersRepo.insert(trx, { openid: DEMO_VOLUNTEER.openid, displayName: DEMO_VOLUNTEER.displayName, role: 'volunteer' }))
    const membershipId = await membershipsRepo.insert(trx, teamId, volunteerId)
    await membershipsRepo.transition(trx, membershipId, 'applied', 'accepted', null)
  })
}
