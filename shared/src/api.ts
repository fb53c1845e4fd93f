import type { z } from './zod'
import { authEndpoints } from './endpoints/auth'
import { casesEndpoints } from './endpoints/cases'
import { consoleEndpoints, safetyIndexEndpoints } from './endpoints/console'
import { consoleAdminEndpoints, staffAccountEndpoints } from './endpoints/staffAccounts'
import { gridPlatformsEndpoints } from './endpoints/gridPlatforms'
import { mallEndpoints } from './endpoints/mall'
import { notificationsEndpoints } from './endpoints/notifications'
import { patrolsEndpoints } from './endpoints/patrols'
import { pointsEndpoints } from './endpoints/points'
import { regionsEndpoints } from './endpoints/regions'
import { systemEndpoints } from './endpoints/system'
import { usersEndpoints } from './endpoints/users'

export type { Endpoint, HttpMethod } from './endpoint'

/**
 * Every HTTP endpoint, described once (one file per resource under endpoints/): the server validates with
 * these schemas and builds the OpenAPI document from them; the mini program's client types its calls with them.
 */
export const api = {
  ...systemEndpoints,
  ...authEndpoints,
  ...usersEndpoints,
  ...regionsEndpoints,
  ...pointsEndpoints,
  ...mallEndpoints,
  ...casesEndpoints,
  ...gridPlatformsEndpoints,
  ...patrolsEndpoints,
  ...consoleEndpoints,
  ...safetyIndexEndpoints,
  ...staffAccountEndpoints,
  ...consoleAdminEndpoints,
  ...notificationsEndpoints,
} as const

export type Api = typeof api
export type EndpointName = keyof Api
/** What a caller sends as the body of endpoint E (never when it takes none). */
export type BodyOf<E> = E extends { body: infer B extends z.ZodType } ? z.input<B> : never
/** The path parameters endpoint E takes. */
export type ParamsOf<E> = E extends { params: infer P extends z.ZodType } ? z.input<P> : never
/** The query endpoint E takes. */
export type QueryOf<E> = E extends { query: infer Q extends z.ZodType } ? z.input<Q> : never
/** What endpoint E answers with. */
export type ResponseOf<E> = E extends { response: infer R extends z.ZodType } ? z.output<R> : never

/** Fills a Koa-style path with parameters: pathFor('/api/regions/:id', {id: 3}) → /api/regions/3 */
export function pathFor(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
    const value = params[name]
    if (value === undefined) throw new Error(`missing path parameter ${name}`)
    return encodeURIComponent(String(value))
  })
}
