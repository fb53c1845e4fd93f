import { api } from '@anju/shared'
import { errors } from '../../errors'
import { authorize, requireReviewer } from '../../policies'
import { presentResident } from '../../presenters'
import { residentsRepo } from '../../repositories/residents'
import { route, type AppRouter } from '../define'

/** Staff find the resident a good-deed award is for: only residents inside their own subtree exist for them. */
export function staffResidentRoutes(router: AppRouter) {
  route(router, api.staffResidents, async (ctx, { actor, query }) => {
    requireReviewer(actor)
    authorize(actor, 'award.proposeManual', undefined)
    const rows = await residentsRepo.search(ctx.services.db, {
      regionPath: actor.region.path,
      id: query.q.id,
      nameContains: query.q.name,
      limit: query.limit,
    })
    return { items: rows.slice(0, query.limit).map(presentResident), more: rows.length > query.limit }
  })

  route(router, api.staffResident, async (ctx, { actor, params }) => {
    requireReviewer(actor)
    const resident = await residentsRepo.findById(ctx.services.db, params.id)
    if (!resident) throw errors.notFound()
    authorize(actor, 'resident.find', { regionPath: resident.region_path })
    return presentResident(resident)
  })
}
