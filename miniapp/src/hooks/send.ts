import { useRef, useState } from 'react'
import { isApiError, newIdempotencyKey } from '../api'

/**
 * Sends a filled-in form (or a one-tap action such as 兑换) so that it takes effect at most once. The
 * Idempotency-Key is kept while the outcome is unknown (the connection was lost), so a retry gets the first
 * answer; it is dropped once the server has answered, or by `forget()` when the form is edited. `busy` is true
 * while a send is on its way. Errors are thrown on for the page to show its own way.
 */
export function useIdempotentSend() {
  const [busy, setBusy] = useState(false)
  const key = useRef<string | null>(null)

  async function send<T>(request: (idempotencyKey: string) => Promise<T>): Promise<T> {
    key.current ??= newIdempotencyKey()
    setBusy(true)
    try {
      const answer = await request(key.current)
      key.current = null
      return answer
    } catch (err) {
      if (!isApiError(err) || err.code !== 'NETWORK_ERROR') key.current = null
      throw err
    } finally {
      setBusy(false)
    }
  }

  return { busy, send, forget: () => void (key.current = null) }
}
