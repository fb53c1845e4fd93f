import type { Config } from '../config'
import type { Trx } from '../db/knex'
import { errors } from '../errors'
import { caseEventsRepo } from '../repositories/caseActivity'
import { usersRepo } from '../repositories/users'

const HOUR_MS = 60 * 60 * 1000

/**
 * A resident's reports per hour and per day (new cases and follows alike). Counted under a lock on the
 * resident's row, so simultaneous reports from one resident take turns and exactly the limit gets through;
 * the lock is held until the report's transaction ends.
 */
export async function enforceReportRateLimit(trx: Trx, userId: number, limits: Config['gridLoop'], now: Date): Promise<void> {
  await usersRepo.lockForUpdate(trx, userId)
  const lastHour = await caseEventsRepo.countSubmissionsSince(trx, userId, new Date(now.getTime() - HOUR_MS))
  if (lastHour >= limits.reportsPerHour) throw errors.rateLimited()
  const lastDay = await caseEventsRepo.countSubmissionsSince(trx, userId, new Date(now.getTime() - 24 * HOUR_MS))
  if (lastDay >= limits.reportsPerDay) throw errors.rateLimited()
}
