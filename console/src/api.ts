import {
  ERROR_MESSAGES, ErrorBody, api, pathFor, type AuthSession, type BodyOf, type Endpoint, type ParamsOf, type QueryOf,
  type ResponseOf,
} from '@anju/shared'

/** A failed call: `message` is Chinese and safe to show; branch on `code`. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message?: string, readonly details?: unknown) {
    super(message || (ERROR_MESSAGES as Record<string, string>)[code] || '请求失败，请稍后再试')
    this.name = 'ApiError'
  }
}

/** The server's message, then what each field lacks (the first field's message is already the server's). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = ((err.details as { fields?: { message: string }[] } | undefined)?.fields ?? []).map((f) => f.message)
    const more = [...new Set(fields)].filter((m) => m !== err.message)
    return more.length ? `${err.message}：${more.join('；')}` : err.message
  }
  return err instanceof Error && err.message ? err.message : '请求失败，请稍后再试'
}

const SESSION_KEY = 'anju.console.session'
type Listener = (session: AuthSession | null) => void
const listeners = new Set<Listener>()

export function getSession(): AuthSession | null {
  const raw = localStorage.getItem(SESSION_KEY)
  return raw ? (JSON.parse(raw) as AuthSession) : null
}
export function saveSession(session: AuthSession | null) {
  if (session) localStorage.setItem(SESSION_KEY, JSON.stringify(session))
  else localStorage.removeItem(SESSION_KEY)
  for (const l of listeners) l(session)
}
export function onSession(listener: Listener) {
  listeners.add(listener)
  return () => void listeners.delete(listener)
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID()
}

type Field<Name extends string, T> = [T] extends [never] ? { [K in Name]?: never } : { [K in Name]: T }
export type CallOptions<E> = Field<'body', BodyOf<E>> & Field<'params', ParamsOf<E>> & Field<'query', QueryOf<E>> & {
  /** The Idempotency-Key of this action; keep one in state when the user may retry the same action. */
  idempotencyKey?: string
}
type CallArgs<E> = {} extends CallOptions<E> ? [options?: CallOptions<E>] : [options: CallOptions<E>]

export function queryString(query: Record<string, unknown> | undefined): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  const text = params.toString()
  return text ? `?${text}` : ''
}

let refreshing: Promise<void> | null = null
async function refresh(expired: string) {
  const session = getSession()
  if (!session) throw new ApiError(401, 'UNAUTHENTICATED')
  if (session.accessToken !== expired) return
  refreshing ??= call(api.refresh, { body: { refreshToken: session.refreshToken } })
    .then(saveSession)
    .catch((err) => {
      saveSession(null)
      throw err
    })
    .finally(() => {
      refreshing = null
    })
  return refreshing
}

/** Fetches with the session's token; an expired token is refreshed once. Throws ApiError. */
export async function request(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const session = getSession()
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (session) headers.Authorization = `Bearer ${session.accessToken}`
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (method !== 'GET') headers['Idempotency-Key'] = idempotencyKey ?? newIdempotencyKey()
    let res: Response
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR', '网络连接失败，请检查网络后重试')
    }
    if (res.ok) return res
    const data = await res.json().catch(() => null)
    const parsed = ErrorBody.safeParse(data)
    const error = parsed.success
      ? new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details)
      : new ApiError(res.status, 'HTTP_ERROR', `请求失败（${res.status}）`)
    if (session && error.code === 'TOKEN_EXPIRED' && attempt === 0) {
      await refresh(session.accessToken)
      continue
    }
    if (session && error.status === 401) saveSession(null)
    throw error
  }
}

/** Calls one endpoint described in @anju/shared, typed by its schemas. */
export async function call<E extends Endpoint>(endpoint: E, ...args: CallArgs<E>): Promise<ResponseOf<E>> {
  const o = (args[0] ?? {}) as { body?: unknown; params?: Record<string, string | number>; query?: Record<string, unknown>; idempotencyKey?: string }
  const url = pathFor(endpoint.path, o.params) + queryString(o.query)
  const res = await request(endpoint.method, url, endpoint.body ? o.body ?? {} : undefined, o.idempotencyKey)
  return endpoint.response.parse(await res.json()) as ResponseOf<E>
}
