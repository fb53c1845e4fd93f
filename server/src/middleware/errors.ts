import type { ErrorBody } from '@anju/shared'
import { isDatabaseUnavailable } from '../db/unavailable'
import { AppError, errors } from '../errors'
import { FileStoreUnavailableError } from '../integrations/fileStore'

/** What a client is told to wait before retrying when the database or the upload store is out of reach. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 2
import type { AppMiddleware } from '../context'

/** Maps errors thrown by Koa and its middleware (http-errors) onto our codes. */
function fromHttpError(err: { status?: number; expose?: boolean }): AppError | undefined {
  if (typeof err.status !== 'number' || err.status < 400 || err.status >= 500) return undefined
  switch (err.status) {
    case 400: return errors.invalidJson()
    case 401: return errors.unauthenticated()
    case 403: return errors.forbidden()
    case 404: return errors.routeNotFound()
    case 405: return errors.methodNotAllowed()
    case 413: return errors.payloadTooLarge()
    case 415: return errors.unsupportedMediaType()
    default: return new AppError(err.status, 'VALIDATION_FAILED')
  }
}

/** The one place errors become responses: `{ error: { code, message, details } }`, never a stack trace. */
export function errorHandler(): AppMiddleware {
  return async function errorHandler(ctx, next) {
    try {
      await next()
    } catch (err) {
      let appError = err instanceof AppError ? err : fromHttpError(err as { status?: number })
      if (!appError && isDatabaseUnavailable(err)) {
        // Retryable: the client sends the same request (and Idempotency-Key) again in a moment.
        ctx.state.log?.warn({ err }, 'database unavailable or busy past every retry')
        appError = errors.serviceUnavailable(UNAVAILABLE_RETRY_AFTER_SECONDS)
      } else if (!appError && err instanceof FileStoreUnavailableError) {
        ctx.state.log?.warn({ err }, 'upload store unavailable')
        appError = errors.serviceUnavailable(UNAVAILABLE_RETRY_AFTER_SECONDS)
      } else if (!appError) {
        ctx.state.log?.error({ err }, 'unhandled error')
        appError = new AppError(500, 'INTERNAL')
      } else if (appError.status >= 500) {
        ctx.state.log?.warn({ code: appError.code }, appError.message)
      }
      const body: ErrorBody = {
        error: {
          code: appError.code,
          message: appError.message,
          ...(appError.details === undefined ? {} : { details: appError.details }),
        },
      }
      ctx.status = appError.status
      ctx.body = body
      const retryAfter = (appError.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds
      if (typeof retryAfter === 'number') ctx.set('Retry-After', String(retryAfter))
      if (appError.status === 501 || appError.status === 405) ctx.remove('Allow')
    }
  }
}
