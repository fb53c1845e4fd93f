import { randomUUID } from 'node:crypto'
import { DEMO_PASSWORD } from '../db/seeds/demo'

export interface HttpAnswer<T = any> {
  status: number
  body: T
  headers: Headers
}

export interface RequestOptions {
  token?: string
  idempotencyKey?: string
  headers?: Record<string, string>
  /** Send this string as the body as is, instead of JSON-encoding `body`. */
  raw?: string
}

/** A small HTTP client for tests: JSON in, JSON out, over a real socket. */
export function createHttpClient(baseUrl: string) {
  async function request<T = any>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token) headers.Authorization = `Bearer ${options.token}`
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey
    let payload: string | undefined = options.raw
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body)
    if (payload !== undefined) headers['Content-Type'] ??= 'application/json'
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: payload })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers }
  }
  return {
    request,
    get: <T = any>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
    post: <T = any>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body, options),
    /** Logs in a demo staff account; returns its access token. */
    async staffToken(username: string, password = DEMO_PASSWORD): Promise<string> {
      const res = await request('POST', '/api/auth/staff', { username, password })
      if (res.status !== 200) throw new Error(`staff login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body.accessToken
    },
    /** Logs in a resident through the development login; returns its access token. */
    async residentToken(handle = `r${randomUUID().slice(0, 8)}`): Promise<string> {
      const res = await request('POST', '/api/auth/dev', { handle })
      if (res.status !== 200) throw new Error(`dev login ${handle} failed: ${res.status}`)
      return res.body.accessToken
    },
  }
}

export type HttpClient = ReturnType<typeof createHttpClient>
