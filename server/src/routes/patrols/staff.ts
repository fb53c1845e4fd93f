import { api } from '@anju/shared'
import { createPatrolRoute, createPatrolTeam, decidePatrolMembership, rotateCheckpointToken } from '../../commands/patrolTeams'
import { errors } from '../../errors'
import { chinaDayStart } from '../../lib/chinaTime'
import { nextPageCursor, pagePosition } from '../../lib/keysetCursor'
import { chinaWeekStart } from '../../patrols/calendar'
import { authorize, can } from '../../policies'
import { isoTime } from '../../presenters'
import { presentCheckpoint, presentMembership, presentRoute } from '../../presenters/patrols'
import { checkInsRepo, patrolLookupsRepo, patrolsRepo } from '../../repositories/patrols'
import { membershipsRepo, patrolRoutesRepo } from '../../repositories/patrolTeams'
import { regionsRepo } from '../../repositories/regions'
import type { Queryable } from '../../db/knex'
import type { Actor } from '../../policies'
import { route, type AppRouter } from '../define'
import { loadPatrolSummaries, loadTeam } from './load'
import { patrolQrSheetRoute } from './qrSheet'

/** The route and its team, when the actor manages the team; otherwise not found. */
export async function managedRoute(db: Queryable, actor: Actor, routeId: number) {
  const patrolRoute = await patrolRoutesRepo.findById(db, routeId)
  if (!patrolRoute) throw errors.notFound()
  const { team, scope } = await loadTeam(db, patrolRoute.team_id)
  authorize(actor, 'patrolTeam.manage', scope)
  return { route: patrolRoute, team }
}

async function managedMembership(db: Queryable, actor: Actor, membershipId: number) {
  const membership = await membershipsRepo.findById(db, membershipId)
  if (!membership) throw errors.notFound()
  const { team, scope } = await loadTeam(db, membership.team_id)
  authorize(actor, 'patrolTeam.manage', scope)
  return { membership, team }
}

/** The workbench side: teams, applications, routes, QR codes, review and coverage. */
export function patrolStaffRoutes(router: AppRouter) {
  route(router, api.createPatrolTeam, async (ctx, { actor, body, transact }) => {
    const region = await regionsRepo.findById(ctx.services.db, body.regionId)
    if (!region) throw errors.notFound()
    authorize(actor, 'patrolTeam.manage', { regionPath: region.path })
    return transact(async (trx) => {
      const teamId = await createPatrolTeam({ trx, input: body })
      return {
        id: teamId, name: body.name, region: { id: region.id, name: region.name, level: region.level },
        memberCount: 0, myMembership: null, actions: ['manage' as const],
      }
    })
  })

  route(router, api.patrolMemberships, async (ctx, { actor, params, query }) => {
    const { db } = ctx.services
    const { team, scope } = await loadTeam(db, params.id)
    authorize(actor, 'patrolTeam.manage', scope)
    const rows = await membershipsRepo.ofTeam(db, team.id, query.status)
    const names = await patrolLookupsRepo.displayNames(db, rows.map((m) => m.user_id))
    return { items: rows.map((m) => presentMembership(m, team, { id: m.user_id, displayName: names.get(m.user_id) ?? '' })) }
  })

  for (const [endpoint, decision] of [
    [api.acceptPatrolMembership, 'accepted'],
    [api.declinePatrolMembership, 'declined'],
  ] as const) {
    route(router, endpoint, async (ctx, { actor, params, transact }) => {
      const { membership, team } = await managedMembership(ctx.services.db, actor, params.id)
      return transact(async (trx) => {
        await decidePatrolMembership({ trx, actor, membership, decision })
        const names = await patrolLookupsRepo.displayNames(trx, [membership.user_id])
        const decided = (await membershipsRepo.findById(trx, membership.id))!
        return presentMembership(decided, team, { id: decided.user_id, displayName: names.get(decided.user_id) ?? '' })
      })
    })
  }

  route(router, api.createPatrolRoute, async (ctx, { actor, params, body, transact }) => {
    const { team, scope } = await loadTeam(ctx.services.db, params.id)
    authorize(actor, 'patrolTeam.manage', scope)
    const { tokenSecret } = ctx.services.config.patrol
    return transact(async (trx) => {
      const routeId = await createPatrolRoute({ trx, teamId: team.id, input: body })
      const created = (await patrolRoutesRepo.findById(trx, routeId))!
      return presentRoute(created, await patrolRoutesRepo.checkpointsOf(trx, [routeId]), { tokenSecret })
    })
  })

  route(router, api.rotateCheckpointToken, async (ctx, { actor, params, transact }) => {
    const checkpoint = await patrolRoutesRepo.findCheckpoint(ctx.services.db, params.id)
    if (!checkpoint) throw errors.notFound()
    await managedRoute(ctx.services.db, actor, checkpoint.route_id)
    const { tokenSecret } = ctx.services.config.patrol
    return transact(async (trx) => presentCheckpoint(await rotateCheckpointToken({ trx, checkpointId: checkpoint.id }), { tokenSecret }))
  })

  route(router, api.staffPatrols, async (ctx, { actor, query }) => {
    const { db } = ctx.services
    if (!actor.region || !can(actor, 'patrolTeam.manage', { regionPath: actor.region.path })) throw errors.notFound()
    if (query.teamId) authorize(actor, 'patrolTeam.manage', (await loadTeam(db, query.teamId)).scope)
    const rows = await patrolsRepo.finishedUnder(db, actor.region.path, {
      before: pagePosition(query.cursor), limit: query.limit, teamId: query.teamId,
      valid: query.valid === undefined ? undefined : query.valid === 'true',
    })
    return { items: await loadPatrolSummaries(db, rows), next: nextPageCursor(rows, query.limit, (p) => p.started_at) }
  })

  route(router, api.patrolCoverage, async (ctx, { actor, params }) => {
    const { db, clock } = ctx.services
    const { route: patrolRoute } = await managedRoute(db, actor, params.id)
    const checkpoints = await patrolRoutesRepo.checkpointsOf(db, [patrolRoute.id])
    const now = clock.now()
    const visits = await checkInsRepo.coverage(db, checkpoints.map((c) => c.id), chinaDayStart(now), chinaWeekStart(now))
    const byCheckpoint = new Map(visits.map((v) => [v.checkpointId, v]))
    return {
      routeId: patrolRoute.id,
      checkpoints: checkpoints.map((c) => {
        const v = byCheckpoint.get(c.id)
        return {
          id: c.id, name: c.name, visitsToday: v?.today ?? 0, visitsThisWeek: v?.week ?? 0,
          lastVisitAt: v?.lastAt ? isoTime(v.lastAt) : null,
        }
      }),
    }
  })

  patrolQrSheetRoute(router)
}
