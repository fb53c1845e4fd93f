import { koaBody } from 'koa-body'
import type { AppMiddleware } from '../context'
import { errors } from '../errors'

/** Deepest nesting of objects and arrays a JSON body may have; our deepest schema needs 4. */
export const MAX_BODY_DEPTH = 32
/** Largest JSON body accepted (photos go through multipart uploads, with their own limit). */
export const MAX_JSON_BODY = '1mb'

/** How deeply `value` nests objects and arrays, counted without recursion and given up past `limit`. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0
  const pending: [unknown, number][] = [[value, 1]]
  while (pending.length) {
    const [item, depth] = pending.pop()!
    if (item === null || typeof item !== 'object') continue
    deepest = Math.max(deepest, depth)
    if (deepest > limit) return deepest
    for (const child of Array.isArray(item) ? item : Object.values(item)) pending.push([child, depth + 1])
  }
  return deepest
}

/**
 * Parses a JSON body within the size limit and refuses one nested past MAX_BODY_DEPTH, before authentication,
 * idempotency hashing or validation look at it: 413 PAYLOAD_TOO_LARGE or 400 BODY_TOO_DEEP.
 */
export function jsonBody(): AppMiddleware {
  const parse = koaBody({
    json: true,
    multipart: false,
    urlencoded: false,
    text: false,
    jsonLimit: MAX_JSON_BODY,
    jsonStrict: true,
    // The raw body too (ctx.request.rawBody): signed callbacks are verified over the exact bytes sent.
    includeUnparsed: true,
    onError: (err) => {
      throw (err as { status?: number }).status === 413 ? errors.payloadTooLarge() : errors.invalidJson()
    },
  })
  return async function jsonBody(ctx, next) {
    await parse(ctx as never, async () => undefined)
    if (nestingDepth(ctx.request.body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) throw errors.bodyTooDeep()
    await next()
  }
}
