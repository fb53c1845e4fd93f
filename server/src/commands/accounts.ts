import type { AuthSession } from '@anju/shared'
import type { Config } from '../config'
import type { Trx } from '../db/knex'
import { errors } from '../errors'
import { usersRepo, type UserRow } from '../repositories/users'
import { revokeAllSessions, startSession } from './sessions'

/** The new password may be neither the account's username nor the password it replaces. */
export function assertFreshPassword(user: UserRow, newPassword: string, currentPassword?: string) {
  const folded = newPassword.normalize('NFKC').toLowerCase()
  if (folded === user.username?.normalize('NFKC').toLowerCase() || newPassword === currentPassword) throw errors.passwordReused()
}

/**
 * A staff member changes their own password (already checked and hashed by the caller): every session ends,
 * and this device gets a new one.
 */
export async function changePassword(
  { trx, jwt, user, newHash, now = new Date() }: { trx: Trx; jwt: Config['jwt']; user: UserRow; newHash: string; now?: Date },
): Promise<AuthSession> {
  await usersRepo.update(trx, user.id, { passwordHash: newHash })
  await revokeAllSessions(trx, user.id, 'password', now)
  return startSession(trx, jwt, (await usersRepo.findById(trx, user.id))!, now)
}

/** An administrator stops an account: it can no longer log in, and every session it has ends now. */
export async function disableAccount(trx: Trx, userId: number, now = new Date()) {
  await usersRepo.update(trx, userId, { disabled: true })
  await revokeAllSessions(trx, userId, 'disabled', now)
}

export async function enableAccount(trx: Trx, userId: number) {
  await usersRepo.update(trx, userId, { disabled: false })
}

/** Clears the lock that repeated wrong passwords set (the caller also clears the login throttle). */
export async function unlockAccount(trx: Trx, userId: number) {
  await usersRepo.unlock(trx, userId)
}

/** An administrator sets a new password (hashed by the caller): the account is unlocked and every session ends. */
export async function resetPassword(trx: Trx, userId: number, newHash: string, now = new Date()) {
  await usersRepo.update(trx, userId, { passwordHash: newHash })
  await usersRepo.unlock(trx, userId)
  await revokeAllSessions(trx, userId, 'admin', now)
}

/** Ends every session of an account (a lost phone, say) without changing anything else. */
export async function revokeSessions(trx: Trx, userId: number, now = new Date()) {
  await revokeAllSessions(trx, userId, 'admin', now)
}
