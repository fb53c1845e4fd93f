import { useCallback, useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { errorMessage } from '../api'

/**
 * A page's data: loaded on every show and on pull-down, with the loading flag and a Chinese error. Only the
 * latest load lands, so a slow answer to an earlier one never overwrites a newer one.
 */
export function usePageData<T>(load: () => Promise<T>) {
  const [data, setData] = useState<T | null>(null)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState('')
  const generation = useRef(0)
  const loader = useRef(load)
  loader.current = load

  const reload = useCallback(async () => {
    const mine = ++generation.current
    setLoading(true)
    setError('')
    try {
      const value = await loader.current()
      if (mine === generation.current) setData(value)
    } catch (err) {
      if (mine === generation.current) setError(errorMessage(err))
    } finally {
      if (mine === generation.current) setLoading(false)
    }
  }, [])

  useDidShow(() => {
    void reload()
  })
  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh())
  })

  return { data, loading, error, reload }
}
