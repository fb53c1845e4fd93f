import { useEffect, useSyncExternalStore } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { api } from '@anju/shared'
import { call, getSession, subscribeSession, updateSessionUser, type Session } from '../api'

export const LOGIN_PAGE = '/pages/login/index'
export const HOME_PAGE = '/pages/index/index'

/** The signed-in session, or null; re-renders when it changes (login, refresh, logout). */
export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, getSession, getSession)
}

let redirecting = false

/** Sends the user to the login page. Kept-alive tab pages may all ask at once; one relaunch is enough. */
export function goToLogin() {
  if (redirecting) return
  redirecting = true
  Taro.reLaunch({
    url: LOGIN_PAGE,
    complete: () => {
      redirecting = false
    },
  })
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

/** Re-reads the user (role, region) from the server each time the page shows; failures stay quiet. */
export function useFreshUser() {
  useDidShow(() => {
    if (!getSession()) return
    call(api.me)
      .then(updateSessionUser)
      .catch(() => {
        // Offline or server trouble: keep showing the stored user. A refused session was already cleared
        // by the client, and useRequireSession takes the user to the login page.
      })
  })
}
