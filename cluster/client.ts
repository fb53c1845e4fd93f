/**
 * The cluster run's HTTP client: POSTs through nginx (or straight to one API node) retried as a phone retries them,
 * a bounded pool of requests in flight, and a count of which API node answered.
 */
import assert from 'node:assert/strict'
import { DEMO_PASSWORD } from '../server/src/db/seeds/demo'
import { PROXY_URL, WEB_PORTS } from './topology'

export interface Answer {
  status: number
  body: any
  upstream: string
  ms: number
  tries: number
  /** What the attempts before the last were answered ("503 SERVICE_UNAVAILABLE", "0 TypeError: fetch failed" …). */
  retriedAfter: string[]
}

export const log = (message: string) => console.log(`[cluster:test] ${message}`)

/** One API node by its index (wrapping), addressed directly rather than through nginx. */
export const apiNode = (i: number) => `http://127.0.0.1:${WEB_PORTS[i % WEB_PORTS.length]}`

/**
 * One POST to `base` (nginx unless told otherwise), retried with the same Idempotency-Key as a client does when the
 * answer is a 5xx or the key is still in progress elsewhere: the answer that counts is the first that is not.
 * `upstream` is the API node that answered: nginx's X-Anju-Upstream, or `base` itself when addressed directly.
 */
export async function post(pathname: string, body: unknown, token: string, key: string, base = PROXY_URL): Promise<Answer> {
  const started = performance.now()
  const retriedAfter: string[] = []
  for (let tries = 1; ; tries++) {
    let status = 0
    let parsed: any
    let upstream = base === PROXY_URL ? '' : base.replace(/^http:\/\//, '')
    try {
      const res = await fetch(`${base}${pathname}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Idempotency-Key': key, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      })
      status = res.status
      upstream = res.headers.get('x-anju-upstream') ?? upstream
      const text = await res.text()
      try {
        parsed = JSON.parse(text)
      } catch {
        parsed = text
      }
    } catch (err) {
      parsed = String(err)
    }
    const retry = status === 0 || status >= 500 || (status === 409 && parsed?.error?.code === 'IDEMPOTENCY_IN_PROGRESS')
    if (!retry || tries >= 12) return { status, body: parsed, upstream, ms: performance.now() - started, tries, retriedAfter }
    retriedAfter.push(`${status} ${parsed?.error?.code ?? String(parsed).slice(0, 80)}`)
    await new Promise((resolve) => setTimeout(resolve, 100 * tries))
  }
}

/** A staff account's access token, signed in with the demo password through nginx. */
export async function staffToken(username: string): Promise<string> {
  const login = await fetch(`${PROXY_URL}/api/auth/staff`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  })
  assert.equal(login.status, 200, `${username} login`)
  return ((await login.json()) as { accessToken: string }).accessToken
}

export async function pooled<T>(tasks: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++
      results[i] = await tasks[i]!()
    }
  }))
  return results
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

/** Answers per API node. */
export function spread(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const a of answers) {
    // $upstream_addr lists every node tried ("a, b"); the last one answered.
    const last = a.upstream.split(',').pop()!.trim() || 'none'
    counts[last] = (counts[last] ?? 0) + 1
  }
  return counts
}

/** The error code of a refusal, or the status when the answer was not one. */
export const outcomeOf = (a: Answer) => (a.status < 300 ? String(a.status) : `${a.status} ${a.body?.error?.code ?? JSON.stringify(a.body)}`)

/**
 * What the retried attempts were answered, counted ("503 SERVICE_UNAVAILABLE": 4). A retry is the client's to
 * make after a 503 or a dropped connection; a 500 is a fault of ours and fails the run.
 */
export function retriesOf(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const reason of answers.flatMap((a) => a.retriedAfter)) counts[reason] = (counts[reason] ?? 0) + 1
  const internal = Object.keys(counts).filter((reason) => reason.startsWith('500'))
  assert.deepEqual(internal, [], `answered 500 before a retry: ${JSON.stringify(counts)}`)
  return counts
}
