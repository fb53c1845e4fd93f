import { useEffect, useSyncExternalStore } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { getSession, subscribeSession, type Session } from '../api'

export const LOGIN_PAGE = '/pages/login/index'
export const HOME_PAGE = '/pages/index/index'

/** The signed-in session, or null; re-renders when it changes (login, refresh, logout). */
export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, getSession, getSession)
}

let lastRedirect = 0

/** Sends the user to the login page. Kept-alive tab pages may all ask at once; one relaunch is enough. */
export function goToLogin() {
  const now = Date.now()
  if (now - lastRedirect < 1000) return
  lastRedirect = now
  Taro.reLaunch({ url: LOGIN_PAGE })
}

/**
 * For pages that need a signed-in user: returns the session, and relaunches into the login page when
 * there is none (first visit, logout, or a refresh token the server refused).
 */
export function useRequireSession(): Session | null {
  const session = useSession()
  useEffect(() => {
    if (!session) goToLogin()
  }, [session])
  // A tab page kept alive by the tab bar may come back into view after the session ended elsewhere.
  useDidShow(() => {
    if (!getSession()) goToLogin()
  })
  return session
}
