import { randomUUID } from 'node:crypto'
import type { AppMiddleware } from '../context'

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/

/** Gives each request an id (kept from X-Request-Id when sane), a child logger, and one log line at the end. */
export function requestContext(): AppMiddleware {
  return async function requestContext(ctx, next) {
    const incoming = ctx.get('X-Request-Id')
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID()
    ctx.state.requestId = requestId
    ctx.state.log = ctx.services.logger.child({ reqId: requestId })
    ctx.set('X-Request-Id', requestId)
    const started = process.hrtime.bigint()
    try {
      await next()
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      // Labelled by route pattern, never by raw path, so the number of series stays bounded.
      const route = (ctx as { routerPath?: string }).routerPath ?? (ctx.status === 404 ? 'unmatched' : 'static')
      ctx.services.metrics.httpDuration.observe({ method: ctx.method, route, status: String(ctx.status) }, ms / 1000)
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10, userId: ctx.state.actor?.id },
        'request',
      )
    }
  }
}
