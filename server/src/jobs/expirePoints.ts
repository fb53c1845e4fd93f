import { expireResidentPoints, residentsWithLapsedPoints } from '../awards/expiry'
import { withTransaction } from '../db/transaction'
import { jobs, type Job } from './index'

const BATCH = 200
const BATCHES_PER_RUN = 10

/** Moves lapsed points to the expiry sinks, in regions whose award settings give points a validity in months. */
export const expirePointsJob: Job = {
  name: 'expire-points',
  intervalMs: 10 * 60_000,
  async run({ db }, now, stopping) {
    let processed = 0
    for (let batch = 0; batch < BATCHES_PER_RUN && !stopping?.aborted; batch++) {
      const due = await residentsWithLapsedPoints(db, now, BATCH)
      for (const userId of due) {
        if (stopping?.aborted) break
        if ((await withTransaction(db, (trx) => expireResidentPoints(trx, userId, now))) > 0) processed++
      }
      if (due.length < BATCH) break
    }
    return { processed }
  },
}

jobs.push(expirePointsJob)
