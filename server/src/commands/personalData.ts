import { isStaffRole } from '@anju/shared'
import type { Queryable, Trx } from '../db/knex'
import { errors } from '../errors'
import type { FileStore } from '../integrations/fileStore'
import type { Actor } from '../policies'
import { consentsRepo } from '../repositories/consents'
import { patrolTracksRepo } from '../repositories/patrols'
import { personalDataRepo } from '../repositories/personalData'
import { uploadsRepo } from '../repositories/uploads'

/** What a closed account is called wherever a past action still shows it (timelines, staff lists). */
export const CLOSED_ACCOUNT_NAME = '已注销用户'

/** Files to delete once the transaction that let go of them has committed. */
export interface FilesToDelete {
  keys: string[]
}

/**
 * Closes (注销) a resident's account. What identifies them is erased: name, WeChat identity, community,
 * consents, sessions and stored answers, notices, team memberships, photos never used and every photo
 * original (EXIF). What the programme must keep stays without them: the account row with its ledger entries
 * (the balance is kept on an account nobody can sign in to), and their cases, which the agency goes on
 * handling as anonymous reports. Refused while a patrol runs or a reward waits to be picked up, so nothing is
 * left half done. Every token is revoked; the files go after commit (see `files`).
 */
export async function closeAccount({ trx, actor, now }: { trx: Trx; actor: Actor; now: Date }): Promise<FilesToDelete> {
  if (isStaffRole(actor.role)) throw errors.accountCloseNotAllowed()
  const runningPatrol = await personalDataRepo.hasRunningPatrol(trx, actor.id)
  const reservedRedemptions = await personalDataRepo.reservedRedemptions(trx, actor.id)
  if (runningPatrol || reservedRedemptions > 0) throw errors.accountCloseBlocked({ runningPatrol, reservedRedemptions })

  const uploads = await personalDataRepo.uploads(trx, actor.id)
  const unused = uploads.filter((u) => u.case_id === null && u.reward_id === null)
  const originals = uploads.filter((u) => u.original_purged_at === null && !unused.includes(u))
  await personalDataRepo.deleteUnattachedUploads(trx, actor.id)
  await uploadsRepo.markOriginalPurged(trx, originals.map((u) => u.id), now)

  await personalDataRepo.anonymiseCases(trx, actor.id)
  await personalDataRepo.deleteSessionData(trx, actor.id)
  await consentsRepo.deleteAllOf(trx, actor.id)
  for (const patrolId of await patrolIdsOf(trx, actor.id)) await patrolTracksRepo.deleteTrack(trx, patrolId, now)
  await personalDataRepo.anonymiseUser(trx, actor.id, CLOSED_ACCOUNT_NAME, now)
  return { keys: [...unused.flatMap((u) => [u.public_key, u.original_key]), ...originals.map((u) => u.original_key)] }
}

async function patrolIdsOf(db: Queryable, userId: number) {
  return (await personalDataRepo.patrols(db, userId)).filter((p) => p.track_purged_at === null).map((p) => p.id)
}

/** Deletes files a committed transaction let go of; one that fails is logged, the rest still go. */
export async function deleteFiles(files: FileStore, { keys }: FilesToDelete, log: { error(obj: object, msg: string): void }) {
  for (const key of keys) {
    await files.delete(key).catch((err: unknown) => log.error({ err, key }, 'could not delete a released file'))
  }
}
