import Taro from '@tarojs/taro'
import { UserView, type AuthSession } from '@anju/shared'
import { newIdempotencyKey } from './idempotency'

const STORAGE_KEY = 'anju.session'

/** What the device keeps between launches: our own tokens (never WeChat's session_key) and the user. */
export interface Session {
  accessToken: string
  refreshToken: string
  /** Epoch milliseconds after which the access token is expected to be refused. */
  accessExpiresAt: number
  /**
   * The Idempotency-Key for trading this refresh token in. Refresh tokens work once, so a refresh whose answer
   * was lost is retried (even after a relaunch) with the same key and gets the same new tokens, rather than
   * presenting a spent token, which the server takes for a stolen copy and ends the session.
   */
  refreshKey: string
  user: UserView
}

type Listener = (session: Session | null) => void

const listeners = new Set<Listener>()
let current: Session | null = readStored()

function readStored(): Session | null {
  try {
    const raw: unknown = Taro.getStorageSync(STORAGE_KEY)
    if (!raw || typeof raw !== 'object') return null
    const stored = raw as Partial<Session>
    const user = UserView.safeParse(stored.user)
    if (typeof stored.accessToken !== 'string' || typeof stored.refreshToken !== 'string' || !user.success) {
      return null
    }
    return {
      accessToken: stored.accessToken,
      refreshToken: stored.refreshToken,
      accessExpiresAt: Number(stored.accessExpiresAt) || 0,
      refreshKey: typeof stored.refreshKey === 'string' ? stored.refreshKey : newIdempotencyKey(),
      user: user.data,
    }
  } catch {
    return null
  }
}

function publish(next: Session | null) {
  current = next
  try {
    if (next) Taro.setStorageSync(STORAGE_KEY, next)
    else Taro.removeStorageSync(STORAGE_KEY)
  } catch {
    // Storage full or unavailable: the session still lives in memory for this launch.
  }
  listeners.forEach((listener) => listener(next))
}

export function getSession(): Session | null {
  return current
}

/** Stores a session the server just issued (login or refresh). */
export function saveAuthSession(auth: AuthSession): Session {
  const session: Session = {
    accessToken: auth.accessToken,
    refreshToken: auth.refreshToken,
    accessExpiresAt: Date.now() + auth.expiresIn * 1000,
    refreshKey: newIdempotencyKey(),
    user: auth.user,
  }
  publish(session)
  return session
}

/** Keeps the tokens and replaces the user (after GET /api/me). */
export function updateSessionUser(user: UserView) {
  if (current) publish({ ...current, user })
}

export function clearSession() {
  if (current) publish(null)
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}
