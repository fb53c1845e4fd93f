import { api } from '@anju/shared'
import type { AppContext } from '../../context'
import { hashPassword } from '../../auth/passwords'
import { assertFreshPassword, changePassword } from '../../commands/accounts'
import { checkPassword } from '../../commands/signIn'
import { errors } from '../../errors'
import { requireUser } from '../../middleware/authenticate'
import { route, type AppRouter } from '../define'

/** What checking a password needs from the request: the shared throttle and the caller's address. */
export function passwordCheckFor(ctx: AppContext) {
  const { db, limits, config } = ctx.services
  return { db, throttle: limits.login, lockAfterFailures: config.limits.login.lockAfterFailures, ip: ctx.ip }
}

/** Changing one's own password (the managers' tools for others' accounts are the staff-account routes). */
export function accountRoutes(router: AppRouter) {
  route(router, api.changePassword, async (ctx, { actor, body, transact }) => {
    const { config, limits } = ctx.services
    const me = requireUser(ctx)
    if (!me.username || !me.password_hash) throw errors.passwordNotSet()
    try {
      await checkPassword(me.username, body.currentPassword, passwordCheckFor(ctx))
    } catch (err) {
      throw (err as { code?: string }).code === 'LOGIN_FAILED' ? errors.passwordIncorrect() : err
    }
    assertFreshPassword(me, body.newPassword, body.currentPassword)
    const newHash = await hashPassword(body.newPassword)
    const session = await transact((trx) => changePassword({ trx, jwt: config.jwt, user: me, newHash }))
    await limits.login.forget(me.username)
    return session
  })
}
