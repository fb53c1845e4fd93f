import { api } from '@anju/shared'
import {
  createStaffAccount, presentStaffAccount, resetStaffPassword, revokeStaffSessions, unlockStaffAccount, updateStaffAccount,
} from '../../commands/staffAccounts'
import { errors } from '../../errors'
import { can, requireConsoleUser } from '../../policies'
import { regionsRepo } from '../../repositories/regions'
import { usersRepo } from '../../repositories/users'
import { route, type AppRouter } from '../define'

/** Staff accounts within one's area: list, create, change (role, region, disabled), reset the password, unlock, sign out. */
export function staffAccountRoutes(router: AppRouter) {
  route(router, api.staffAccounts, async (ctx, { actor, query }) => {
    requireConsoleUser(actor)
    const { db } = ctx.services
    const root = query.regionId ? await regionsRepo.findById(db, query.regionId) : await regionsRepo.findById(db, actor.region.id)
    if (!root || !root.path.startsWith(actor.region.path)) throw errors.notFound()
    const regions = new Map((await regionsRepo.listSubtree(db, root)).map((r) => [r.id, r]))
    const users = await usersRepo.staffInRegions(db, [...regions.keys()])
    return {
      items: users
        .filter((u) => can(actor, 'staffAccount.manage', { regionPath: regions.get(u.region_id!)!.path, role: u.role }))
        .map((u) => presentStaffAccount(u, regions.get(u.region_id!)!)),
    }
  })

  route(router, api.createStaffAccount, async (ctx, { actor, body, transact }) => {
    requireConsoleUser(actor)
    return transact((trx) => createStaffAccount({ trx, actor, input: body }))
  })

  route(router, api.updateStaffAccount, async (ctx, { actor, params, body, transact }) => {
    requireConsoleUser(actor)
    return transact((trx) => updateStaffAccount({ trx, actor, id: params.id, input: body }))
  })

  route(router, api.resetStaffPassword, async (ctx, { actor, params, body, transact }) => {
    requireConsoleUser(actor)
    const view = await transact((trx) => resetStaffPassword({ trx, actor, id: params.id, password: body.password }))
    await ctx.services.limits.login.forget(view.username)
    return view
  })

  route(router, api.unlockStaffAccount, async (ctx, { actor, params, transact }) => {
    requireConsoleUser(actor)
    const view = await transact((trx) => unlockStaffAccount({ trx, actor, id: params.id }))
    await ctx.services.limits.login.forget(view.username)
    return view
  })

  route(router, api.revokeStaffSessions, async (ctx, { actor, params, transact }) => {
    requireConsoleUser(actor)
    return transact((trx) => revokeStaffSessions({ trx, actor, id: params.id }))
  })
}
