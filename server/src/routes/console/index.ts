import { api, CASE_COLOURS, DEADLINE_STATES } from '@anju/shared'
import { consoleHeatmap, consoleOverview, consoleRankings } from '../../commands/consoleFigures'
import type { Queryable } from '../../db/knex'
import { errors } from '../../errors'
import { addChinaDays, chinaDateStart } from '../../lib/chinaTime'
import { encodeCursor, pagePosition } from '../../lib/keysetCursor'
import { authorize, requireConsoleUser, type Actor } from '../../policies'
import { consoleRepo } from '../../repositories/console'
import { regionsRepo } from '../../repositories/regions'
import { route, type AppRouter } from '../define'
import { caseViews } from '../cases/views'

const DUE_SOON_MS = 24 * 60 * 60 * 1000

/** The region a console request names, if the actor may read it (404 outside their area). */
export async function consoleRegion(db: Queryable, actor: Actor, regionId: number) {
  requireConsoleUser(actor)
  const region = await regionsRepo.findById(db, regionId)
  if (!region) throw errors.notFound()
  authorize(actor, 'console.read', { regionPath: region.path })
  return region
}

/** The governance console's read side: overview, the lists behind its figures, the 红黄绿 board, the heat map. */
export function consoleRoutes(router: AppRouter) {
  route(router, api.consoleOverview, async (ctx, { actor, query }) => {
    const { db } = ctx.services
    return consoleOverview(db, await consoleRegion(db, actor, query.regionId), query.from, query.to)
  })

  route(router, api.consoleHeatmap, async (ctx, { actor, query }) => {
    const { db } = ctx.services
    return consoleHeatmap(db, await consoleRegion(db, actor, query.regionId), query.from, query.to)
  })

  route(router, api.consoleRankings, async (ctx, { actor, query }) => {
    const { db } = ctx.services
    return consoleRankings(db, await consoleRegion(db, actor, query.regionId), query.month, query.level)
  })

  route(router, api.consoleCases, async (ctx, { actor, query }) => {
    const { db } = ctx.services
    const region = await consoleRegion(db, actor, query.regionId)
    const before = pagePosition(query.cursor)
    const rows = await consoleRepo.casesBehindFigure(db, {
      gridPathPrefix: region.path, from: chinaDateStart(query.from), to: chinaDateStart(addChinaDays(query.to, 1)),
      figure: query.figure, gridId: query.gridId, assigneeId: query.assigneeId,
      before: before && { createdAt: before.at, id: before.id }, limit: query.limit,
    })
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    return {
      items: await caseViews(db, actor, ctx.services.photoLinks, page),
      next: rows.length > query.limit && last ? encodeCursor({ createdAtMs: last.created_at.getTime(), id: String(last.id) }) : null,
    }
  })

  route(router, api.consoleBoard, async (ctx, { actor, query }) => {
    const { db } = ctx.services
    const region = await consoleRegion(db, actor, query.regionId)
    const now = new Date()
    const soon = new Date(now.getTime() + DUE_SOON_MS)
    const after = pagePosition(query.cursor)
    const counted = await consoleRepo.boardCounts(db, region.path, now, soon)
    const counts = CASE_COLOURS.flatMap((colour) => {
      const c = counted.find((r) => r.colour === colour) ?? { overdue: 0, dueSoon: 0, total: 0 }
      const byState = { overdue: c.overdue, due_soon: c.dueSoon, on_track: c.total - c.overdue - c.dueSoon }
      return DEADLINE_STATES.map((state) => ({ colour, state, count: byState[state] }))
    })
    const rows = await consoleRepo.boardPage(db, {
      regionPath: region.path, colour: query.colour, state: query.state, now, soon,
      after: after && { deadline: after.at, id: after.id }, limit: query.limit,
    })
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    return {
      counts,
      items: await caseViews(db, actor, ctx.services.photoLinks, page.map((r) => r.row)),
      next: rows.length > query.limit && last ? encodeCursor({ createdAtMs: last.deadline.getTime(), id: String(last.row.id) }) : null,
    }
  })
}
