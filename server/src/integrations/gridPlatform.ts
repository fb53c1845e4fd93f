import { createHmac, timingSafeEqual } from 'node:crypto'

/** Header carrying "sha256=<hex HMAC-SHA256 of the raw body>", both ways. */
export const SIGNATURE_HEADER = 'X-Anju-Signature'

export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/** Constant-time comparison of a presented signature with the body's. */
export function verifySignature(secret: string, body: string | Buffer, presented: string | undefined): boolean {
  if (!presented) return false
  const expected = Buffer.from(signBody(secret, body))
  const given = Buffer.from(presented)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

export type DeliveryResult =
  | { ok: true; status: number }
  /** `permanent`: the platform refused this message as such (4xx other than 408/429); retrying will not help. */
  | { ok: false; permanent: boolean; error: string }

/**
 * One delivery attempt: JSON POST, signed, with the message's idempotency key so a platform that receives it
 * twice (we timed out, it had already processed it) can tell.
 */
export async function deliverToPlatform(
  platform: { url: string; secret: string },
  message: { idempotencyKey: string; payload: string },
  { timeoutMs, fetch: doFetch = fetch }: { timeoutMs: number; fetch?: typeof fetch },
): Promise<DeliveryResult> {
  let res: Response
  try {
    res = await doFetch(platform.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': message.idempotencyKey,
        [SIGNATURE_HEADER]: signBody(platform.secret, message.payload),
      },
      body: message.payload,
      signal: AbortSignal.timeout(timeoutMs),
    })
    await res.arrayBuffer().catch(() => undefined)
  } catch (err) {
    const name = (err as Error).name
    return { ok: false, permanent: false, error: name === 'TimeoutError' ? 'timeout' : `network: ${(err as Error).message}` }
  }
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status }
  const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429
  return { ok: false, permanent, error: `HTTP ${res.status}` }
}
