import { api } from '@anju/shared'
import { errors } from '../../errors'
import { presentCategory } from '../../presenters/cases'
import { requireConsoleUser, withinScope, type Actor } from '../../policies'
import { categoriesRepo } from '../../repositories/categories'
import { consoleRepo } from '../../repositories/console'
import { open311KeysRepo } from '../../repositories/open311Keys'
import { gridPlatformsRepo } from '../../repositories/outbox'
import { regionsRepo } from '../../repositories/regions'
import type { Queryable } from '../../db/knex'
import { route, type AppRouter } from '../define'

function requireAdmin(actor: Actor): asserts actor is Actor & { region: NonNullable<Actor['region']> } {
  requireConsoleUser(actor)
  if (actor.role !== 'admin') throw errors.forbidden()
}

/** The keys issued by administrators inside the actor's area. */
async function issuersInScope(db: Queryable, actor: Actor & { region: { path: string } }) {
  const regions = await regionsRepo.listSubtree(db, actor.region)
  const admins = await db('users').whereIn('region_id', regions.map((r) => r.id)).andWhere({ role: 'admin' }).select('id')
  return admins.map((a: { id: unknown }) => Number(a.id))
}

/** Lists behind the console's admin pages (their changes use the existing admin endpoints). */
export function consoleAdminRoutes(router: AppRouter) {
  route(router, api.adminCategories, async (ctx, { actor }) => {
    requireAdmin(actor)
    return { items: (await categoriesRepo.listAll(ctx.services.db)).map((c) => ({ ...presentCategory(c), active: c.active })) }
  })

  route(router, api.adminGridAreas, async (ctx, { actor, query }) => {
    requireAdmin(actor)
    const { db } = ctx.services
    const root = await regionsRepo.findById(db, query.regionId ?? actor.region.id)
    if (!root || !withinScope(actor, root.path)) throw errors.notFound()
    const grids = await consoleRepo.gridsUnder(db, root.path)
    const parents = new Map((await regionsRepo.findByIds(db, grids.flatMap((g) => (g.parentId ? [g.parentId] : [])))).map((r) => [r.id, r.name]))
    return { items: grids.map((g) => ({ id: g.id, name: g.name, community: g.parentId ? (parents.get(g.parentId) ?? '') : '', polygon: g.polygon })) }
  })

  route(router, api.adminGridPlatforms, async (ctx, { actor }) => {
    requireAdmin(actor)
    const { db } = ctx.services
    const regions = new Map((await regionsRepo.listSubtree(db, actor.region)).map((r) => [r.id, r]))
    const rows = await gridPlatformsRepo.listWithCounts(db, [...regions.keys()])
    return {
      items: rows.map((p) => ({
        id: p.id, regionId: p.region_id, regionName: regions.get(p.region_id)?.name ?? '', name: p.name, url: p.url, active: p.active,
        deadLetters: p.dead, pending: p.pending,
      })),
    }
  })

  const keyList = async (db: Queryable, actor: Actor & { region: { path: string } }) => ({
    items: (await open311KeysRepo.listIssuedBy(db, await issuersInScope(db, actor))).map((k) => ({
      id: k.id, name: k.name, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null,
    })),
  })

  route(router, api.open311Keys, async (ctx, { actor }) => {
    requireAdmin(actor)
    return keyList(ctx.services.db, actor)
  })

  route(router, api.revokeOpen311Key, async (ctx, { actor, params, transact }) => {
    requireAdmin(actor)
    return transact(async (trx) => {
      const creator = await open311KeysRepo.findCreator(trx, params.id)
      if (creator === undefined || !(await issuersInScope(trx, actor)).includes(creator)) throw errors.notFound()
      await open311KeysRepo.revoke(trx, params.id, new Date())
      return keyList(trx, actor)
    })
  })
}
