import { useCallback, useEffect, useRef, useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import { api, type AuthSession, type RegionView } from '@anju/shared'
import { call, errorMessage, getSession, onSession } from './api'

/**
 * A page's data, loaded again whenever `deps` change: the loading flag and a Chinese error. Only the latest
 * load lands, so a slow answer to an earlier one never overwrites a newer one.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null)
  const [loading, setLoading] = useState(true)
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
  useEffect(() => {
    void reload()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps)
  return { data, loading, error, reload }
}

export function useSession(): AuthSession | null {
  const [session, setSession] = useState(getSession)
  useEffect(() => onSession(setSession), [])
  return session
}

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
export const chinaToday = today
export function daysBefore(day: string, n: number) {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() - n)
  return d.toISOString().slice(0, 10)
}

/** The region and period every console page works on, kept in the URL so any view can be linked to. */
export function useScope() {
  const session = useSession()
  const [params, setParams] = useSearchParams()
  const to = params.get('to') ?? today()
  const from = params.get('from') ?? daysBefore(to, 29)
  const regionId = Number(params.get('regionId') ?? session?.user.region?.id ?? 0)
  const set = useCallback(
    (next: Partial<{ regionId: number; from: string; to: string }>) => {
      setParams((current) => {
        const p = new URLSearchParams(current)
        for (const [k, v] of Object.entries(next)) p.set(k, String(v))
        return p
      })
    },
    [setParams],
  )
  return { regionId, from, to, set, params }
}

let regionsCache: Promise<RegionView[]> | null = null
/** The regions of the user's area (loaded once per session). */
export function useRegions() {
  const session = useSession()
  const [regions, setRegions] = useState<RegionView[]>([])
  useEffect(() => {
    if (!session) {
      regionsCache = null
      return
    }
    regionsCache ??= call(api.regions).then((r) => r.items)
    regionsCache.then(setRegions).catch(() => {
      regionsCache = null
    })
  }, [session])
  return regions
}
