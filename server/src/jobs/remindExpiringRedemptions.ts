import { remindExpiringRedemption } from '../commands/redemptions'
import { withTransaction } from '../db/transaction'
import { redemptionsRepo } from '../repositories/redemptions'
import { jobs, type Job } from './index'

const BATCH = 100

/** Reminds residents of unclaimed rewards whose pickup window closes within REDEMPTION_EXPIRING_HOURS, once each. */
export const remindExpiringRedemptionsJob: Job = {
  name: 'remind-expiring-redemptions',
  intervalMs: 60_000,
  async run({ db, config }, now) {
    const until = new Date(now.getTime() + config.redemptionExpiringHours * 60 * 60 * 1000)
    let processed = 0
    for (const id of await redemptionsRepo.dueForReminder(db, now, until, BATCH)) {
      if (await withTransaction(db, (trx) => remindExpiringRedemption(trx, { redemptionId: id, now }))) processed++
    }
    return { processed }
  },
}

jobs.push(remindExpiringRedemptionsJob)
