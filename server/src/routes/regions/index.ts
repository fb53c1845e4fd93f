import { api, isStaffRole } from '@anju/shared'
import { errors } from '../../errors'
import { authorize } from '../../policies'
import { presentRegion } from '../../presenters'
import { regionsRepo } from '../../repositories/regions'
import { route, type AppRouter } from '../define'

export function regionRoutes(router: AppRouter) {
  route(router, api.regions, async (ctx, { actor }) => {
    const { db } = ctx.services
    const rows =
      isStaffRole(actor.role) && actor.region
        ? await regionsRepo.listSubtree(db, actor.region)
        : isStaffRole(actor.role)
          ? []
          : await regionsRepo.listAll(db)
    return { items: rows.map(presentRegion) }
  })

  route(router, api.region, async (ctx, { actor, params }) => {
    const region = await regionsRepo.findById(ctx.services.db, params.id)
    if (!region) throw errors.notFound()
    authorize(actor, 'region.read', { regionPath: region.path })
    return presentRegion(region)
  })
}
