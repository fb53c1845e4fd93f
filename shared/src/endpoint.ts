import type { z } from './zod'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * One HTTP endpoint, described once: the server validates with these schemas and builds the OpenAPI
 * document from them; the mini program's client types its calls with them.
 */
export interface Endpoint {
  method: HttpMethod
  /** Koa-style path, e.g. /api/regions/:id */
  path: string
  summary: string
  tag: string
  /** Whether a bearer token is required. */
  auth: boolean
  body?: z.ZodType
  params?: z.ZodType
  query?: z.ZodType
  response: z.ZodType
  /** Success status, 200 unless said otherwise. */
  status?: number
  /**
   * The answer carries credentials (a session's tokens): an Idempotency-Key never stores it, and a retry is
   * answered by issuing again.
   */
  credentials?: true
}

/** Keeps each endpoint's literal type, so clients and routes see its exact schemas. */
export function endpoint<const E extends Endpoint>(e: E): E {
  return e
}

