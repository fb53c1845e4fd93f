import type { Config } from '../config'
import { errors } from '../errors'
import { tryConsume, type LimiterStore } from './limiters'

const HOUR_SECONDS = 60 * 60

/** Usernames are matched as typed, but counted alike whatever their case or width. */
const accountKey = (username: string) => username.normalize('NFKC').trim().toLowerCase()

export interface LoginThrottle {
  /**
   * Counts a password attempt for this account and this client address before the password is checked, so
   * simultaneous guesses are counted too; throws LOGIN_THROTTLED (429, Retry-After) when either is used up.
   */
  admit(username: string, ip: string): Promise<void>
  /** A correct password: the account's count starts again and the address gets its attempt back. */
  succeeded(username: string, ip: string): Promise<void>
  /** Forgets an account's attempts (an administrator unlocked it or set a new password). */
  forget(username: string): Promise<void>
}

export function loginThrottle(store: LimiterStore, limits: Config['limits']['login']): LoginThrottle {
  const byAccount = store.limiter({
    prefix: 'login_account', points: limits.attemptsPerAccount, durationSeconds: limits.windowSeconds, blockSeconds: limits.windowSeconds,
  })
  const byIp = store.limiter({ prefix: 'login_ip', points: limits.attemptsPerIp, durationSeconds: HOUR_SECONDS, blockSeconds: HOUR_SECONDS })
  return {
    async admit(username, ip) {
      const account = await tryConsume(byAccount, accountKey(username))
      if (!account.allowed) throw errors.loginThrottled(account.retryAfter)
      const address = await tryConsume(byIp, ip)
      if (!address.allowed) {
        await byAccount.reward(accountKey(username), 1).catch(() => undefined)
        throw errors.loginThrottled(address.retryAfter)
      }
    },
    async succeeded(username, ip) {
      await Promise.all([byAccount.delete(accountKey(username)), byIp.reward(ip, 1)]).catch(() => undefined)
    },
    async forget(username) {
      await byAccount.delete(accountKey(username))
    },
  }
}
