import { useRef, useState } from 'react'
import Taro from '@tarojs/taro'
import { isApiError, newIdempotencyKey } from '../api'

/**
 * Sends a filled-in form (or a one-tap action such as 兑换) so that it takes effect at most once. The
 * Idempotency-Key is kept while the outcome is unknown (the connection was lost), so a retry gets the first
 * answer; it is dropped once the server has answered, or by `forget()` when the form is edited. `busy` is true
 * while a send is on its way. Errors are thrown on for the page to show its own way.
 *
 * With `storageKey`, an unknown outcome also survives a reload: the key is kept on the device until an answer
 * comes, so a form sent just before the app was closed is not filed twice when it is sent again.
 */
export function useIdempotentSend({ storageKey }: { storageKey?: string } = {}) {
  const [busy, setBusy] = useState(false)
  const key = useRef<string | null>(storageKey ? stored(storageKey) : null)

  const keep = (value: string | null) => {
    key.current = value
    if (!storageKey) return
    if (value) Taro.setStorageSync(storageKey, value)
    else Taro.removeStorageSync(storageKey)
  }

  async function send<T>(request: (idempotencyKey: string) => Promise<T>): Promise<T> {
    if (!key.current) keep(newIdempotencyKey())
    setBusy(true)
    try {
      const answer = await request(key.current!)
      keep(null)
      return answer
    } catch (err) {
      if (!isApiError(err) || err.code !== 'NETWORK_ERROR') keep(null)
      throw err
    } finally {
      setBusy(false)
    }
  }

  return { busy, send, forget: () => keep(null) }
}

function stored(storageKey: string): string | null {
  try {
    const value: unknown = Taro.getStorageSync(storageKey)
    return typeof value === 'string' && value ? value : null
  } catch {
    return null
  }
}
