import type Router from '@koa/router'
import type { Endpoint } from '@anju/shared'
import type { z } from 'zod'
import type { AppContext, AppContextExtras, AppState } from '../context'
import type { Trx } from '../db/knex'
import { errors } from '../errors'
import { requireActor } from '../middleware/authenticate'
import { transact, withoutStoredAnswer } from '../middleware/idempotency'
import type { Actor } from '../policies'

export type AppRouter = Router<AppState, AppContextExtras>

type Out<E, K extends string> = E extends { [P in K]: infer S extends z.ZodType } ? z.output<S> : undefined
type Answer<E extends Endpoint> = z.input<E['response']>

export interface RouteInput<E extends Endpoint> {
  body: Out<E, 'body'>
  params: Out<E, 'params'>
  query: Out<E, 'query'>
  /** The logged-in actor; routes with auth: false get undefined. */
  actor: E extends { auth: true } ? Actor : Actor | undefined
  /** Runs the request's writes in one transaction that also records the idempotent answer. */
  transact: (work: (trx: Trx) => Promise<Answer<E>>) => Promise<z.output<E['response']>>
}

/** Every registered endpoint, for the OpenAPI document. */
export const registeredEndpoints: Endpoint[] = []

function parseOrThrow<S extends z.ZodType>(schema: S | undefined, value: unknown): z.output<S> | undefined {
  if (!schema) return undefined
  const result = schema.safeParse(value)
  if (!result.success) throw errors.validation(result.error)
  return result.data
}

/**
 * Mounts one endpoint: authenticate → validate → handler (authorize → command → present) → shape the
 * answer with the endpoint's response schema.
 */
export function route<E extends Endpoint>(
  router: AppRouter,
  endpoint: E,
  handler: (ctx: AppContext, input: RouteInput<E>) => Promise<Answer<E>>,
): void {
  if (!registeredEndpoints.includes(endpoint)) registeredEndpoints.push(endpoint)
  const status = endpoint.status ?? 200
  const method = endpoint.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'
  router[method](endpoint.path, async function endpointHandler(ctx) {
    if (endpoint.credentials) withoutStoredAnswer(ctx)
    const actor = endpoint.auth ? requireActor(ctx) : ctx.state.actor
    const input = {
      params: parseOrThrow(endpoint.params, ctx.params),
      query: parseOrThrow(endpoint.query, ctx.query),
      body: parseOrThrow(endpoint.body, ctx.request.body ?? {}),
      actor,
      transact: (work: (trx: Trx) => Promise<unknown>) => transact(ctx, work, { status, schema: endpoint.response }),
    } as RouteInput<E>
    const answer = await handler(ctx, input)
    ctx.status = status
    ctx.body = endpoint.response.parse(answer)
  })
}
