import type { AuthSession, DevLoginInput, StaffLoginInput } from '@anju/shared'
import type { Config } from '../config'
import type { Queryable, Trx } from '../db/knex'
import { decoyHash, verifyPassword } from '../auth/passwords'
import { issueTokens, verifyToken } from '../auth/tokens'
import { errors } from '../errors'
import type { WechatSession } from '../integrations/wechat'
import { presentUser } from '../presenters'
import { regionsRepo } from '../repositories/regions'
import { usersRepo, type UserRow } from '../repositories/users'

const DEV_OPENID_PREFIX = 'dev:'

/** Our own session for a user: a JWT pair and the user as the API shows it. */
export async function sessionFor(db: Queryable, jwt: Config['jwt'], user: UserRow): Promise<AuthSession> {
  if (user.disabled) throw errors.accountDisabled()
  const region = user.region_id ? await regionsRepo.findById(db, user.region_id) : undefined
  return { ...issueTokens(jwt, user), user: presentUser(user, region) }
}

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
  return sessionFor(trx, jwt, user)
}

/** Development login for the h5 build and tests: a resident named by a handle. */
export async function signInWithDevHandle({ trx, jwt, input }: { trx: Trx; jwt: Config['jwt']; input: DevLoginInput }) {
  const user = await findOrCreateResident(trx, `${DEV_OPENID_PREFIX}${input.handle}`, input.displayName ?? input.handle)
  return sessionFor(trx, jwt, user)
}

/** Staff-type accounts log in with a password; a wrong username costs the same time as a wrong password. */
export async function signInStaff({ db, jwt, input }: { db: Queryable; jwt: Config['jwt']; input: StaffLoginInput }) {
  const user = await usersRepo.findByUsername(db, input.username)
  const ok = await verifyPassword(input.password, user?.password_hash ?? (await decoyHash()))
  if (!user || !ok) throw errors.loginFailed()
  return sessionFor(db, jwt, user)
}

/** Trades a refresh token for a new pair; tokens issued before a token_version bump are refused. */
export async function refreshSession({ db, jwt, refreshToken }: { db: Queryable; jwt: Config['jwt']; refreshToken: string }) {
  const claims = verifyToken(jwt, refreshToken, 'refresh')
  const user = await usersRepo.findById(db, claims.userId)
  if (!user || user.token_version !== claims.version) throw errors.tokenInvalid()
  return sessionFor(db, jwt, user)
}
