import { useEffect, useRef, useState } from 'react'
import Taro from '@tarojs/taro'

/**
 * A form's contents kept on the device until it is sent: restored when the page opens again (after a reload,
 * a back, or the app being killed), saved on every change, and forgotten by `clear()` once sent.
 */
export function useDraft<T extends object>(storageKey: string, initial: () => T) {
  const [value, setValue] = useState<T>(() => {
    try {
      const saved: unknown = Taro.getStorageSync(storageKey)
      if (saved && typeof saved === 'object') return { ...initial(), ...(saved as Partial<T>) }
    } catch {
      // Unreadable storage: start afresh.
    }
    return initial()
  })
  const [restored] = useState(() => !!safeRead(storageKey))
  const cleared = useRef(false)

  useEffect(() => {
    if (cleared.current) return
    try {
      Taro.setStorageSync(storageKey, value)
    } catch {
      // Storage full: the form still works, it just will not survive a reload.
    }
  }, [storageKey, value])

  return {
    value,
    /** Whether this form opened with what an earlier visit left behind. */
    restored,
    update: (change: Partial<T> | ((prev: T) => Partial<T>)) => {
      cleared.current = false
      setValue((prev) => ({ ...prev, ...(typeof change === 'function' ? change(prev) : change) }))
    },
    /** Forgets the draft (sent, or thrown away) and starts the form afresh. */
    clear: () => {
      cleared.current = true
      Taro.removeStorageSync(storageKey)
      setValue(initial())
    },
  }
}

function safeRead(key: string): unknown {
  try {
    return Taro.getStorageSync(key)
  } catch {
    return null
  }
}
