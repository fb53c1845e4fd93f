import { api } from '@anju/shared'
import { pointsGuideFor } from '../../awards'
import { pointsExpiringSoon } from '../../awards/expiry'
import { errors } from '../../errors'
import { decodeEntriesCursor, entriesOf, residentAccountOf } from '../../ledger'
import { isoTime } from '../../presenters'
import { presentEntry } from '../../presenters/points'
import { awardsRepo } from '../../repositories/awards'
import { usersRepo } from '../../repositories/users'
import { route, type AppRouter } from '../define'

export function pointsRoutes(router: AppRouter) {
  /** Pending awards listed on the summary. */
  const PENDING_SHOWN = 20

  route(router, api.pointsSummary, async (ctx, { actor }) => {
    const { db } = ctx.services
    const pending = await awardsRepo.pendingOf(db, actor.id, PENDING_SHOWN)
    const account = await residentAccountOf(db, actor.id)
    return {
      balance: account.balance,
      // Fewer than a page pending: the page is all of them, and its sum the total.
      pending: pending.length < PENDING_SHOWN ? pending.reduce((sum, a) => sum + a.points, 0) : await awardsRepo.pendingPointsOf(db, actor.id),
      lifetimeEarned: account.earned,
      debt: await awardsRepo.debtOf(db, actor.id),
      expiringSoon: await pointsExpiringSoon(db, { userId: actor.id, region: actor.region, account }, new Date()),
      pendingAwards: pending.map((a) => ({ id: a.id, kind: a.kind, points: a.points, reason: a.reason, createdAt: isoTime(a.created_at) })),
    }
  })

  route(router, api.pointsGuide, async (ctx, { actor }) => {
    const { db } = ctx.services
    // A resident's own community; staff see what residents of their region would.
    const regionId = actor.region?.id ?? (await usersRepo.findById(db, actor.id))?.region_id ?? (await db('regions').whereNull('parent_id').orderBy('id').first('id'))?.id
    if (!regionId) throw errors.notFound()
    return pointsGuideFor(db, actor.id, Number(regionId), ctx.services.clock.now())
  })

  route(router, api.pointsEntries, async (ctx, { actor, query }) => {
    const before = query.cursor ? decodeEntriesCursor(query.cursor) : undefined
    if (query.cursor && !before) throw errors.invalidField('cursor', '翻页参数有误')
    const page = await entriesOf(ctx.services.db, actor.id, { before, limit: query.limit })
    return { items: page.items.map(presentEntry), next: page.next }
  })
}
