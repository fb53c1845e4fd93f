import type { AuthSession, DevLoginInput, StaffLoginInput } from '@anju/shared'
import type { Config } from '../config'
import type { Db, Trx } from '../db/knex'
import { withTransaction } from '../db/transaction'
import { decoyHash, verifyPassword } from '../auth/passwords'
import { errors } from '../errors'
import type { WechatSession } from '../integrations/wechat'
import type { LoginThrottle } from '../rateLimits/login'
import { usersRepo, type UserRow } from '../repositories/users'
import { startSession } from './sessions'

const DEV_OPENID_PREFIX = 'dev:'

async function findOrCreateResident(trx: Trx, openid: string, displayName: string, unionid?: string) {
  const existing = await usersRepo.findByOpenid(trx, openid)
  if (existing) return existing
  const id = await usersRepo.insert(trx, { openid, unionid, displayName, role: 'resident' })
  return (await usersRepo.findById(trx, id))!
}

/** A WeChat login: the resident for this openid, created on first sight. The session_key stays here. */
export async function signInWithWechat({ trx, jwt, input }: { trx: Trx; jwt: Config['jwt']; input: WechatSession }) {
  const user = await findOrCreateResident(trx, input.openid, '微信用户', input.unionid)
  await usersRepo.saveWechatSession(trx, user.id, input.sessionKey)
  return startSession(trx, jwt, user)
}

/** Development login for the h5 build and tests: a resident named by a handle. */
export async function signInWithDevHandle({ trx, jwt, input }: { trx: Trx; jwt: Config['jwt']; input: DevLoginInput }) {
  const user = await findOrCreateResident(trx, `${DEV_OPENID_PREFIX}${input.handle}`, input.displayName ?? input.handle)
  return startSession(trx, jwt, user)
}

export interface PasswordCheck {
  db: Db
  throttle: LoginThrottle
  lockAfterFailures: number
  /** The client's address, for the per-address throttle. */
  ip: string
}

/**
 * Checks an account's password under the login throttle: the attempt is counted before the password is, a
 * locked account is refused without a check, and a wrong password counts towards the lock. A wrong username
 * costs the same time as a wrong password. Resolves with the account (its failure count cleared).
 */
export async function checkPassword(username: string, password: string, { db, throttle, lockAfterFailures, ip }: PasswordCheck): Promise<UserRow> {
  await throttle.admit(username, ip)
  const user = await usersRepo.findByUsername(db, username)
  if (user?.locked_at) throw errors.accountLocked()
  const ok = await verifyPassword(password, user?.password_hash ?? (await decoyHash()))
  if (!user || !ok) {
    if (user) await usersRepo.recordFailedLogin(db, user.id, lockAfterFailures, new Date())
    throw errors.loginFailed()
  }
  await usersRepo.clearFailedLogins(db, user.id)
  await throttle.succeeded(username, ip)
  return user
}

/** Staff-type accounts log in with a password, throttled per account and per address, and locked after repeated failures. */
export async function signInStaff({ jwt, input, ...check }: PasswordCheck & { jwt: Config['jwt']; input: StaffLoginInput }): Promise<AuthSession> {
  const user = await checkPassword(input.username, input.password, check)
  return withTransaction(check.db, (trx) => startSession(trx, jwt, user))
}
