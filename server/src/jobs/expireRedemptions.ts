import { expireRedemption } from '../commands/redemptions'
import { withTransaction } from '../db/transaction'
import { redemptionsRepo } from '../repositories/redemptions'
import { jobs, type Job } from './index'

const BATCH = 100

/** Expires reserved redemptions whose pickup window has passed, refunding points and stock once each. */
export const expireRedemptionsJob: Job = {
  name: 'expire-redemptions',
  intervalMs: 60_000,
  async run({ db }, now, stopping) {
    let processed = 0
    for (const id of await redemptionsRepo.dueForExpiry(db, now, BATCH)) {
      if (stopping?.aborted) break
      if (await withTransaction(db, (trx) => expireRedemption(trx, { redemptionId: id, now }))) processed++
    }
    return { processed }
  },
}

jobs.push(expireRedemptionsJob)
