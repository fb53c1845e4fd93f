import type { RegionLevel, Role, StaffAccountView } from '@anju/shared'
import type { z } from 'zod'
import type { StaffAccountInput, StaffAccountUpdate } from '@anju/shared'
import { hashPassword } from '../auth/passwords'
import { assertFreshPassword, disableAccount, enableAccount, resetPassword, revokeSessions, unlockAccount } from './accounts'
import { revokeAllSessions } from './sessions'
import type { Queryable, Trx } from '../db/knex'
import { isUniqueViolation } from '../db/transaction'
import { errors } from '../errors'
import { presentRegionRef } from '../presenters'
import { authorize, type Actor } from '../policies'
import { regionsRepo, type RegionRow } from '../repositories/regions'
import { usersRepo, type UserRow } from '../repositories/users'

/** Where each role may sit in the region tree. */
const LEVELS_FOR_ROLE: Record<string, RegionLevel[]> = {
  grid_worker: ['grid'],
  staff: ['community', 'street'],
  centre: ['street', 'district', 'city'],
  admin: ['city', 'district', 'street', 'community', 'grid'],
}
const ROLE_NAMES: Record<string, string> = { grid_worker: '网格员', staff: '社区工作人员', centre: '综治中心', admin: '管理员' }

function checkRoleFits(role: Role, region: RegionRow) {
  if (!LEVELS_FOR_ROLE[role]?.includes(region.level)) {
    throw errors.staffRoleRegionMismatch(`${ROLE_NAMES[role] ?? role}账号不能设在${region.name}这一层级`)
  }
}

export function presentStaffAccount(user: UserRow, region: RegionRow): StaffAccountView {
  return {
    id: user.id, username: user.username ?? '', displayName: user.display_name, role: user.role, region: presentRegionRef(region),
    disabled: user.disabled, lockedAt: user.locked_at === null ? null : new Date(user.locked_at).toISOString(),
    createdAt: new Date(user.created_at).toISOString(),
  }
}

/** The account and its region, if `actor` may manage it (404 otherwise, as if it did not exist). */
export async function manageableAccount(db: Queryable, actor: Actor, id: number) {
  const user = await usersRepo.findById(db, id)
  const region = user?.region_id ? await regionsRepo.findById(db, user.region_id) : undefined
  if (!user || !region || !user.password_hash || !user.username) throw errors.notFound()
  authorize(actor, 'staffAccount.manage', { regionPath: region.path, role: user.role })
  return { user, region }
}

/** Someone else's account the actor may manage: one's own is changed through 修改密码, never from here. */
async function othersAccount(db: Queryable, actor: Actor, id: number) {
  const found = await manageableAccount(db, actor, id)
  if (found.user.id === actor.id) throw errors.staffAccountSelf()
  return found
}

async function regionFor(db: Queryable, actor: Actor, regionId: number, role: Role) {
  const region = await regionsRepo.findById(db, regionId)
  if (!region) throw errors.notFound()
  authorize(actor, 'staffAccount.manage', { regionPath: region.path, role })
  checkRoleFits(role, region)
  return region
}

/** A new account for someone in the actor's area, in a role the actor may give. */
export async function createStaffAccount({ trx, actor, input }: { trx: Trx; actor: Actor; input: z.output<typeof StaffAccountInput> }) {
  const region = await regionFor(trx, actor, input.regionId, input.role)
  if (await usersRepo.findByUsername(trx, input.username)) throw errors.usernameTaken()
  let id: number
  try {
    id = await usersRepo.insert(trx, {
      username: input.username, passwordHash: await hashPassword(input.password), displayName: input.displayName, role: input.role, regionId: region.id,
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw errors.usernameTaken()
    throw err
  }
  return presentStaffAccount((await usersRepo.findById(trx, id))!, region)
}

/**
 * Name, role, region or disabled. Both the account as it is and as it will be must be the actor's to manage;
 * nobody disables themselves or changes their own role. Disabling, a new role or a new region revokes the
 * account's tokens, so what it may do changes at once.
 */
export async function updateStaffAccount({ trx, actor, id, input }: { trx: Trx; actor: Actor; id: number; input: z.output<typeof StaffAccountUpdate> }) {
  const { user, region } = await manageableAccount(trx, actor, id)
  const role = input.role ?? user.role
  const target = input.regionId !== undefined || input.role !== undefined ? await regionFor(trx, actor, input.regionId ?? region.id, role) : region
  if (user.id === actor.id && (input.disabled === true || (input.role !== undefined && input.role !== user.role) || target.id !== region.id)) {
    throw errors.staffAccountSelf()
  }
  await usersRepo.update(trx, user.id, {
    ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
    ...(input.role !== undefined ? { role: input.role } : {}),
    ...(target.id !== region.id ? { regionId: target.id } : {}),
  })
  if (input.disabled === true && !user.disabled) await disableAccount(trx, user.id)
  else if (input.disabled === false && user.disabled) await enableAccount(trx, user.id)
  if (role !== user.role || target.id !== region.id) await revokeAllSessions(trx, user.id, 'admin')
  return presentStaffAccount((await usersRepo.findById(trx, user.id))!, target)
}

/** A new password set by the manager: the account is unlocked and every session it had ends. */
export async function resetStaffPassword({ trx, actor, id, password }: { trx: Trx; actor: Actor; id: number; password: string }) {
  const { user, region } = await othersAccount(trx, actor, id)
  assertFreshPassword(user, password)
  await resetPassword(trx, user.id, await hashPassword(password))
  return presentStaffAccount((await usersRepo.findById(trx, user.id))!, region)
}

/** Clears the lock that repeated wrong passwords set (the caller also clears the login throttle). */
export async function unlockStaffAccount({ trx, actor, id }: { trx: Trx; actor: Actor; id: number }) {
  const { user, region } = await othersAccount(trx, actor, id)
  await unlockAccount(trx, user.id)
  return presentStaffAccount((await usersRepo.findById(trx, user.id))!, region)
}

/** Ends every session of the account (a lost phone, say) and changes nothing else. */
export async function revokeStaffSessions({ trx, actor, id }: { trx: Trx; actor: Actor; id: number }) {
  const { user, region } = await othersAccount(trx, actor, id)
  await revokeSessions(trx, user.id)
  return presentStaffAccount((await usersRepo.findById(trx, user.id))!, region)
}
