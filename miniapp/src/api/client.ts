import Taro from '@tarojs/taro'
import {
  api,
  pathFor,
  type BodyOf,
  type Endpoint,
  type ParamsOf,
  type QueryOf,
  type ResponseOf,
} from '@anju/shared'
import { API_BASE } from './base'
import { ApiError, errorFromResponse } from './errors'
import { newIdempotencyKey } from './idempotency'
import { clearSession, getSession, saveAuthSession } from './session'

type Field<Name extends string, T> = [T] extends [never] ? { [K in Name]?: never } : { [K in Name]: T }

export type CallOptions<E> = Field<'body', BodyOf<E>> &
  Field<'params', ParamsOf<E>> &
  Field<'query', QueryOf<E>> & {
    /**
     * The Idempotency-Key of this user action (POST/PUT/DELETE). Leave it out for a fresh key per call;
     * pass one kept in state when the user may press "retry" after a failure, so the retry is the same action.
     */
    idempotencyKey?: string
  }

type CallArgs<E> = {} extends CallOptions<E> ? [options?: CallOptions<E>] : [options: CallOptions<E>]

interface RawOptions {
  body?: unknown
  params?: Record<string, unknown>
  query?: Record<string, unknown>
  idempotencyKey?: string
}

/** Network failures are retried this often, after these pauses, always with the same Idempotency-Key. */
const RETRY_DELAYS_MS = [400, 1200]
const TIMEOUT_MS = 15000

/**
 * Calls one endpoint described in @anju/shared: checks the body with the endpoint's schema, sends the
 * bearer token and Idempotency-Key, retries network failures, refreshes an expired token once, and
 * checks the answer against the response schema. Throws ApiError.
 */
export async function call<E extends Endpoint>(endpoint: E, ...args: CallArgs<E>): Promise<ResponseOf<E>> {
  const options = (args[0] ?? {}) as RawOptions
  const url = API_BASE + pathFor(endpoint.path, stringifyParams(options.params)) + queryString(options.query)
  const body = endpoint.body ? validBody(endpoint, options.body) : undefined
  const idempotencyKey = endpoint.method === 'GET' ? undefined : (options.idempotencyKey ?? newIdempotencyKey())

  const res = await withSession(endpoint.auth, (accessToken) => {
    const header: Record<string, string> = { Accept: 'application/json' }
    if (accessToken) header.Authorization = `Bearer ${accessToken}`
    if (idempotencyKey) header['Idempotency-Key'] = idempotencyKey
    return send(url, endpoint.method, body, header)
  })
  return validResponse(endpoint, res)
}

/**
 * Sends a request with the session's access token (none when `needsSession` is false) and answers a 2xx response.
 * An expired token is swapped once through `refreshSession` and the request sent again; any other 401 ends the
 * session on this device. Every way of talking to the server (`call`, photo uploads) goes through here.
 */
export async function withSession(needsSession: boolean, sendWith: (accessToken: string | null) => Promise<RawResponse>): Promise<RawResponse> {
  let refreshed = false
  for (;;) {
    const session = needsSession ? getSession() : null
    if (needsSession && !session) throw new ApiError(401, 'UNAUTHENTICATED')
    const res = await sendWith(session?.accessToken ?? null)
    if (res.statusCode >= 200 && res.statusCode < 300) return res

    const error = errorFromResponse(res.statusCode, res.data)
    if (session && error.status === 401) {
      if (error.code === 'TOKEN_EXPIRED' && !refreshed) {
        refreshed = true
        await refreshSession(session.accessToken)
        continue
      }
      clearSession()
    }
    throw error
  }
}

let refreshing: Promise<void> | null = null

/**
 * Swaps the refresh token for a new pair. The server rotates refresh tokens (each works once), so concurrent
 * callers share one refresh, and a refresh is always sent with the session's own key: a retry after a lost
 * answer gets that answer again instead of spending the token twice.
 */
function refreshSession(expiredAccessToken: string): Promise<void> {
  const session = getSession()
  if (!session) return Promise.reject(new ApiError(401, 'UNAUTHENTICATED'))
  // Someone refreshed while this request was in flight: just retry with the new token.
  if (session.accessToken !== expiredAccessToken) return Promise.resolve()
  if (!refreshing) {
    refreshing = call(api.refresh, { body: { refreshToken: session.refreshToken }, idempotencyKey: session.refreshKey })
      .then((auth) => {
        saveAuthSession(auth)
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) {
          clearSession()
          throw new ApiError(401, 'TOKEN_EXPIRED')
        }
        throw err
      })
      .finally(() => {
        refreshing = null
      })
  }
  return refreshing
}

export interface RawResponse {
  statusCode: number
  data: unknown
}

async function send(
  url: string,
  method: Endpoint['method'],
  data: unknown,
  header: Record<string, string>,
): Promise<RawResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await Taro.request({
        url,
        method,
        data: data as Record<string, unknown> | undefined,
        header,
        timeout: TIMEOUT_MS,
        dataType: 'json',
      })
      return { statusCode: res.statusCode, data: res.data }
    } catch {
      if (attempt >= RETRY_DELAYS_MS.length) throw new ApiError(0, 'NETWORK_ERROR')
      await delay(RETRY_DELAYS_MS[attempt])
    }
  }
}

function validBody(endpoint: Endpoint, body: unknown): unknown {
  const parsed = endpoint.body!.safeParse(body)
  if (parsed.success) return parsed.data
  // Messages are Chinese: worded by the schema, or zod's zh-CN locale that @anju/shared switches on.
  throw new ApiError(400, 'VALIDATION_FAILED', parsed.error.issues[0]?.message, parsed.error.issues)
}

function validResponse<E extends Endpoint>(endpoint: E, res: RawResponse): ResponseOf<E> {
  const parsed = endpoint.response.safeParse(res.data)
  if (!parsed.success) {
    console.warn(`[api] ${endpoint.method} ${endpoint.path}: unexpected response`, parsed.error.issues)
    throw new ApiError(res.statusCode, 'BAD_RESPONSE', undefined, parsed.error.issues)
  }
  return parsed.data as ResponseOf<E>
}

function queryString(query: Record<string, unknown> | undefined): string {
  const pairs = Object.entries(query ?? {})
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
  return pairs.length ? `?${pairs.join('&')}` : ''
}

function stringifyParams(params: Record<string, unknown> | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(params ?? {})) {
    out[name] = typeof value === 'number' ? value : String(value)
  }
  return out
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Logs out: the device forgets the session at once, and the server is asked to end it, so its tokens stop working
 * even if a copy exists. Offline, the local logout still happens; the tokens then run out by themselves.
 */
export async function logOut(): Promise<void> {
  const session = getSession()
  clearSession()
  if (!session) return
  await call(api.logout, { body: { refreshToken: session.refreshToken } }).catch(() => undefined)
}
