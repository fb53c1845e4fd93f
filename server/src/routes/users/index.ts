import { api } from '@anju/shared'
import { changeCommunity } from '../../commands/community'
import { errors } from '../../errors'
import { authorize } from '../../policies'
import { presentUser } from '../../presenters'
import { regionsRepo } from '../../repositories/regions'
import { requireUser } from '../../middleware/authenticate'
import { route, type AppRouter } from '../define'
import { privacyRoutes } from './privacy'
import { staffResidentRoutes } from './residents'

export function userRoutes(router: AppRouter) {
  route(router, api.me, async (ctx, { actor }) => {
    authorize(actor, 'user.readSelf', undefined)
    const { db } = ctx.services
    const user = requireUser(ctx)
    const region = user.region_id ? await regionsRepo.findById(db, user.region_id) : undefined
    return presentUser(user, region)
  })

  route(router, api.setMyCommunity, async (ctx, { actor, body, transact }) => {
    if (actor.role !== 'resident' && actor.role !== 'volunteer') throw errors.forbidden()
    const region = await regionsRepo.findById(ctx.services.db, body.regionId)
    if (!region || region.level !== 'community') throw errors.invalidField('regionId', '请选择一个社区')
    return transact(async (trx) => {
      const user = await changeCommunity({
        trx, userId: actor.id, to: region, reason: body.reason || undefined, rules: ctx.services.config.community,
      })
      return presentUser(user, region)
    })
  })

  staffResidentRoutes(router)
  privacyRoutes(router)
}
