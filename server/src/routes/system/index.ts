import { api } from '@anju/shared'
import { dbClientOf } from '../../db/knex'
import { errors } from '../../errors'
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

  let document: unknown
  router.get('/api/openapi.json', async function openapiDocument(ctx) {
    document ??= buildOpenApi(registeredEndpoints)
    ctx.body = document
  })
}
