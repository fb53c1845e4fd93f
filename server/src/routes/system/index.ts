import { api } from '@anju/shared'
import { dbClientOf } from '../../db/knex'
import { errors } from '../../errors'
import { mayReadMetrics } from '../../middleware/metricsAccess'
import { buildOpenApi } from '../../openapi'
import { registeredEndpoints, route, type AppRouter } from '../define'

export function systemRoutes(router: AppRouter) {
  route(router, api.healthz, async () => ({ status: 'ok' as const }))

  route(router, api.readyz, async (ctx) => {
    const { db } = ctx.services
    try {
      await db.raw('select 1')
    } catch (err) {
      ctx.state.log.warn({ err }, 'database not reachable')
      throw errors.serviceUnavailable()
    }
    return { status: 'ok' as const, database: dbClientOf(db) }
  })

  // Prometheus text format; only for local scrapers or with METRICS_TOKEN, and "not found" to anyone else.
  router.get('/metrics', async function prometheusMetrics(ctx) {
    if (!mayReadMetrics(ctx.req, ctx.services.config.metricsToken)) throw errors.routeNotFound()
    const { contentType, body } = await ctx.services.metrics.render()
    ctx.type = contentType
    ctx.body = body
  })

  let document: unknown
  router.get('/api/openapi.json', async function openapiDocument(ctx) {
    document ??= buildOpenApi(registeredEndpoints)
    ctx.body = document
  })
}
