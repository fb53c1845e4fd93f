import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])
const PROXY_HEADERS = ['x-forwarded-for', 'x-real-ip', 'forwarded']

/**
 * Who may read /metrics: a scraper on this machine talking to the process directly (a loopback socket and no
 * proxy headers, so a request relayed by a local reverse proxy does not count), or anyone presenting
 * METRICS_TOKEN as a bearer token when one is configured.
 */
export function mayReadMetrics(req: IncomingMessage, token: string): boolean {
  const direct = LOOPBACK.has(req.socket.remoteAddress ?? '') && PROXY_HEADERS.every((h) => req.headers[h] === undefined)
  if (direct) return true
  if (!token) return false
  const presented = Buffer.from(String(req.headers.authorization ?? ''))
  const expected = Buffer.from(`Bearer ${token}`)
  return presented.length === expected.length && timingSafeEqual(presented, expected)
}
