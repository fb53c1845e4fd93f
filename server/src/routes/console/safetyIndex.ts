import { api } from '@anju/shared'
import { errors } from '../../errors'
import { authorize, can, requireConsoleUser } from '../../policies'
import { safetyIndexRepo } from '../../repositories/safetyIndex'
import { requireUser } from '../../middleware/authenticate'
import { enterSafetyInputs, previewSafetyIndex, publicSafetyIndex, publishSafetyIndex } from '../../safetyIndex'
import { route, type AppRouter } from '../define'
import { consoleRegion } from './index'

/** 平安指数: the indicators, a region's month (enter, preview, publish) and the residents' page. */
export function safetyIndexRoutes(router: AppRouter) {
  route(router, api.safetyIndicators, async (ctx, { actor }) => {
    requireConsoleUser(actor)
    return { items: await safetyIndexRepo.indicators(ctx.services.db) }
  })

  route(router, api.setSafetyIndicators, async (ctx, { actor, body, transact }) => {
    if (!can(actor, 'safetyIndex.configure', undefined)) throw errors.forbidden()
    return transact(async (trx) => {
      await safetyIndexRepo.replaceIndicators(trx, body.items)
      return { items: await safetyIndexRepo.indicators(trx) }
    })
  })

  route(router, api.safetyIndexPreview, async (ctx, { actor, query }) => {
    const { db } = ctx.services
    return previewSafetyIndex(db, await consoleRegion(db, actor, query.regionId), query.month)
  })

  route(router, api.safetyIndexInputs, async (ctx, { actor, body, transact }) => {
    const region = await consoleRegion(ctx.services.db, actor, body.regionId)
    authorize(actor, 'safetyIndex.publish', { regionPath: region.path })
    return transact(async (trx) => {
      await enterSafetyInputs(trx, actor, region, body.month, body.values)
      return previewSafetyIndex(trx, region, body.month)
    })
  })

  route(router, api.publishSafetyIndex, async (ctx, { actor, body, transact }) => {
    const region = await consoleRegion(ctx.services.db, actor, body.regionId)
    authorize(actor, 'safetyIndex.publish', { regionPath: region.path })
    return transact((trx) => publishSafetyIndex(trx, actor, region, body.month))
  })

  route(router, api.publicSafetyIndex, async (ctx, { actor, query }) => {
    const { db } = ctx.services
    // By default the resident's own community (a staff account's own region).
    const own = requireUser(ctx).region_id
    return publicSafetyIndex(db, query.regionId ?? own)
  })
}
