import { api } from '@anju/shared'
import type { AppContext } from '../../context'
import type { Queryable, Trx } from '../../db/knex'
import { hashPassword } from '../../auth/passwords'
import {
  assertFreshPassword, changePassword, disableAccount, enableAccount, resetPassword, revokeSessions, unlockAccount,
} from '../../commands/accounts'
import { checkPassword } from '../../commands/signIn'
import { errors } from '../../errors'
import { authorize, can, requireAdmin, type Actor } from '../../policies'
import { presentAccount } from '../../presenters'
import { regionsRepo } from '../../repositories/regions'
import { usersRepo, type UserRow } from '../../repositories/users'
import { route, type AppRouter } from '../define'

const LIST_LIMIT = 500

/** What checking a password needs from the request: the shared throttle and the caller's address. */
export function passwordCheckFor(ctx: AppContext) {
  const { db, limits, config } = ctx.services
  return { db, throttle: limits.login, lockAfterFailures: config.limits.login.lockAfterFailures, ip: ctx.ip }
}

/** A password account the administrator may manage; anything else, their own included, is "not found". */
async function manageable(db: Queryable, actor: Actor, id: number): Promise<UserRow> {
  const user = await usersRepo.findById(db, id)
  const region = user?.region_id ? await regionsRepo.findById(db, user.region_id) : undefined
  if (!user || !user.username || !region) throw errors.notFound()
  authorize(actor, 'account.manage', { id: user.id, regionPath: region.path })
  return user
}

async function present(db: Queryable, actor: Actor, userId: number) {
  const user = (await usersRepo.findById(db, userId))!
  const region = user.region_id ? await regionsRepo.findById(db, user.region_id) : undefined
  return presentAccount(user, region, !!region && can(actor, 'account.manage', { id: user.id, regionPath: region.path }))
}

type AdminAction = typeof api.adminDisableAccount | typeof api.adminEnableAccount | typeof api.adminUnlockAccount | typeof api.adminRevokeSessions

/** Changing one's own password, and the administrators' tools for accounts (disable, unlock, reset, sign out). */
export function accountRoutes(router: AppRouter) {
  route(router, api.changePassword, async (ctx, { actor, body, transact }) => {
    const { db, config, limits } = ctx.services
    const me = await usersRepo.findById(db, actor.id)
    if (!me?.username || !me.password_hash) throw errors.passwordNotSet()
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

  route(router, api.adminAccounts, async (ctx, { actor }) => {
    requireAdmin(actor)
    const { db } = ctx.services
    const rows = await usersRepo.listPasswordAccountsIn(db, actor.region.path, LIST_LIMIT)
    const regions = new Map((await regionsRepo.findByIds(db, [...new Set(rows.map((r) => r.region_id!))])).map((r) => [r.id, r]))
    return {
      items: rows.map((row) => {
        const region = regions.get(row.region_id!)
        return presentAccount(row, region, !!region && can(actor, 'account.manage', { id: row.id, regionPath: region.path }))
      }),
    }
  })

  const adminAction = (endpoint: AdminAction, act: (trx: Trx, user: UserRow) => Promise<void>, after?: (ctx: AppContext, user: UserRow) => Promise<void>) =>
    route(router, endpoint, async (ctx, { actor, params, transact }) => {
      requireAdmin(actor)
      const user = await manageable(ctx.services.db, actor, params.id)
      const view = await transact(async (trx) => {
        await act(trx, user)
        return present(trx, actor, user.id)
      })
      await after?.(ctx, user)
      return view
    })

  adminAction(api.adminDisableAccount, (trx, user) => disableAccount(trx, user.id))
  adminAction(api.adminEnableAccount, (trx, user) => enableAccount(trx, user.id))
  adminAction(api.adminUnlockAccount, (trx, user) => unlockAccount(trx, user.id), (ctx, user) => ctx.services.limits.login.forget(user.username!))
  adminAction(api.adminRevokeSessions, (trx, user) => revokeSessions(trx, user.id))

  route(router, api.adminResetPassword, async (ctx, { actor, params, body, transact }) => {
    requireAdmin(actor)
    const user = await manageable(ctx.services.db, actor, params.id)
    assertFreshPassword(user, body.newPassword)
    const newHash = await hashPassword(body.newPassword)
    const view = await transact(async (trx) => {
      await resetPassword(trx, user.id, newHash)
      return present(trx, actor, user.id)
    })
    await ctx.services.limits.login.forget(user.username!)
    return view
  })
}
