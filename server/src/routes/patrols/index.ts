import { api, isStaffRole } from '@anju/shared'
import {
  checkInAtCheckpoint, finishPatrol, reportHazardOnPatrol, startPatrol, uploadTrackBatch,
} from '../../commands/patrols'
import { applyToPatrolTeam } from '../../commands/patrolTeams'
import type { Queryable } from '../../db/knex'
import { errors } from '../../errors'
import { chinaMonthKey } from '../../lib/chinaTime'
import { nextPageCursor, pagePosition } from '../../lib/keysetCursor'
import { chinaMonthRange } from '../../patrols/calendar'
import { authorize, can, type Actor } from '../../policies'
import { presentCheckIn, presentMembership, presentRoute } from '../../presenters/patrols'
import { regionsRepo } from '../../repositories/regions'
import { checkInsRepo, patrolsRepo } from '../../repositories/patrols'
import { membershipsRepo, patrolRoutesRepo, patrolTeamsRepo } from '../../repositories/patrolTeams'
import { route, type AppRouter } from '../define'
import { loadPatrolSummaries, loadPatrolView, loadTeam, trackOf } from './load'
import { patrolStaffRoutes } from './staff'

/** A patrol the actor may read; anything else reads as not found. */
async function readablePatrol(db: Queryable, actor: Actor, patrolId: number) {
  const patrol = await patrolsRepo.findById(db, patrolId)
  const region = patrol && (await regionsRepo.findById(db, patrol.region_id))
  if (!patrol || !region) throw errors.notFound()
  authorize(actor, 'patrol.read', { regionPath: region.path, userId: patrol.user_id })
  return patrol
}

export function patrolRoutes(router: AppRouter) {
  route(router, api.patrolTeams, async (ctx, { actor }) => {
    const { db } = ctx.services
    const scoped = isStaffRole(actor.role)
    if (scoped && !actor.region) return { items: [] }
    const teams = await patrolTeamsRepo.listUnder(db, scoped ? actor.region!.path : '')
    // A resident's own community first.
    const home = (t: { region_id: number }) => Number(!scoped && t.region_id === actor.region?.id)
    teams.sort((a, b) => home(b) - home(a))
    const regions = new Map((await regionsRepo.findByIds(db, [...new Set(teams.map((t) => t.region_id))])).map((r) => [r.id, r]))
    const counts = await patrolTeamsRepo.acceptedCounts(db, teams.map((t) => t.id))
    const mine = new Map((await membershipsRepo.ofUser(db, actor.id)).map((m) => [m.team_id, m.status]))
    return {
      items: teams.map((team) => {
        const region = regions.get(team.region_id)!
        const myMembership = mine.get(team.id) ?? null
        const actions: ('apply' | 'patrol' | 'manage')[] = scoped
          ? can(actor, 'patrolTeam.manage', { regionPath: region.path }) ? ['manage'] : []
          : myMembership === 'accepted' ? ['patrol'] : myMembership === 'applied' ? [] : ['apply']
        return {
          id: team.id, name: team.name, region: { id: region.id, name: region.name, level: region.level },
          memberCount: counts.get(team.id) ?? 0, myMembership, actions,
        }
      }),
    }
  })

  route(router, api.applyToPatrolTeam, async (ctx, { actor, params, transact }) => {
    const { team, scope } = await loadTeam(ctx.services.db, params.id)
    authorize(actor, 'patrolTeam.read', scope)
    if (isStaffRole(actor.role)) throw errors.forbidden()
    return transact(async (trx) => {
      const membershipId = await applyToPatrolTeam({ trx, actor, teamId: team.id })
      const membership = (await membershipsRepo.findById(trx, membershipId))!
      return presentMembership(membership, team, { id: actor.id, displayName: actor.displayName })
    })
  })

  route(router, api.patrolRoutes, async (ctx, { actor, params }) => {
    const { db, config } = ctx.services
    const { team, scope } = await loadTeam(db, params.id)
    const manages = can(actor, 'patrolTeam.manage', scope)
    const membership = await membershipsRepo.find(db, team.id, actor.id)
    if (!manages && membership?.status !== 'accepted') {
      authorize(actor, 'patrolTeam.read', scope)
      throw errors.patrolNotMember()
    }
    const routes = await patrolRoutesRepo.ofTeam(db, team.id)
    const checkpoints = await patrolRoutesRepo.checkpointsOf(db, routes.map((r) => r.id))
    const withCode = manages ? { tokenSecret: config.patrol.tokenSecret } : null
    return { items: routes.map((r) => presentRoute(r, checkpoints, withCode)) }
  })

  route(router, api.patrolRanking, async (ctx, { actor, params, query }) => {
    const { db } = ctx.services
    const { team, scope } = await loadTeam(db, params.id)
    authorize(actor, 'patrolTeam.read', scope)
    const month = query.month ?? chinaMonthKey(ctx.services.clock.now())
    const { start, end } = chinaMonthRange(month)
    const rows = await patrolsRepo.rankingOf(db, team.id, start, end)
    rows.sort((a, b) => b.patrols - a.patrols || b.seconds - a.seconds || b.checkpoints - a.checkpoints || a.userId - b.userId)
    return {
      teamId: team.id, month,
      items: rows.map((r, i) => ({
        rank: i + 1, volunteer: { id: r.userId, displayName: r.displayName }, patrols: r.patrols,
        hours: Math.round((r.seconds / 3600) * 10) / 10, checkpoints: r.checkpoints,
      })),
    }
  })

  route(router, api.startPatrol, async (ctx, { actor, body, transact }) => {
    const { clock, config } = ctx.services
    return transact(async (trx) => {
      const patrolId = await startPatrol({ trx, actor, input: body, now: clock.now() })
      return loadPatrolView(trx, (await patrolsRepo.findById(trx, patrolId))!, config.patrol)
    })
  })

  route(router, api.currentPatrol, async (ctx, { actor }) => {
    const running = await patrolsRepo.runningOf(ctx.services.db, actor.id)
    return { patrol: running ? await loadPatrolView(ctx.services.db, running, ctx.services.config.patrol) : null }
  })

  route(router, api.myPatrols, async (ctx, { actor, query }) => {
    const rows = await patrolsRepo.ofUser(ctx.services.db, actor.id, { before: pagePosition(query.cursor), limit: query.limit })
    const next = nextPageCursor(rows, query.limit, (p) => p.started_at)
    return { items: await loadPatrolSummaries(ctx.services.db, rows), next }
  })

  route(router, api.patrol, async (ctx, { actor, params }) => {
    const patrol = await readablePatrol(ctx.services.db, actor, params.id)
    return loadPatrolView(ctx.services.db, patrol, ctx.services.config.patrol)
  })

  route(router, api.patrolTrack, async (ctx, { actor, params }) => {
    const patrol = await readablePatrol(ctx.services.db, actor, params.id)
    const points = await trackOf(ctx.services.db, patrol)
    return { patrolId: patrol.id, datum: 'gcj02' as const, points }
  })

  route(router, api.uploadPatrolTrack, async (ctx, { actor, params, body, transact }) => {
    const now = ctx.services.clock.now()
    return transact((trx) => uploadTrackBatch({ trx, actor, patrolId: params.id, input: body, now }))
  })

  route(router, api.checkInPatrol, async (ctx, { actor, params, body, transact }) => {
    const { tokenSecret } = ctx.services.config.patrol
    const now = ctx.services.clock.now()
    return transact(async (trx) => {
      const checkInId = await checkInAtCheckpoint({
        trx, actor, patrolId: params.id, code: body.code, location: body.location, now, tokenSecret,
      })
      const checkIn = (await checkInsRepo.findById(trx, checkInId))!
      return presentCheckIn(checkIn, await patrolRoutesRepo.findCheckpoint(trx, checkIn.checkpoint_id))
    })
  })

  route(router, api.reportPatrolHazard, async (ctx, { actor, params, body, transact }) => {
    const limits = ctx.services.config.gridLoop
    const now = ctx.services.clock.now()
    return transact((trx) =>
      reportHazardOnPatrol({ trx, actor, patrolId: params.id, report: body.report, checkpointId: body.checkpointId, limits, now }),
    )
  })

  route(router, api.finishPatrol, async (ctx, { actor, params, transact }) => {
    const rules = ctx.services.config.patrol
    const now = ctx.services.clock.now()
    return transact(async (trx) => {
      await finishPatrol({ trx, actor, patrolId: params.id, now, rules })
      return loadPatrolView(trx, (await patrolsRepo.findById(trx, params.id))!, rules)
    })
  })

  patrolStaffRoutes(router)
}
