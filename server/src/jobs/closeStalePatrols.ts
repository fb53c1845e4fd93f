import { closeStalePatrol } from '../commands/patrols'
import { withTransaction } from '../db/transaction'
import { patrolsRepo } from '../repositories/patrols'
import { jobs, type Job } from './index'

const BATCH = 100

/**
 * Closes and judges patrols left running longer than PATROL_STALE_HOURS, each in its own transaction with
 * the patrol row locked; one finished meanwhile (by the volunteer or another worker) is left alone.
 */
export const closeStalePatrolsJob: Job = {
  name: 'close-stale-patrols',
  intervalMs: 5 * 60_000,
  async run({ db, config }, now, stopping) {
    const rules = config.patrol
    const before = new Date(now.getTime() - rules.staleHours * 60 * 60 * 1000)
    let processed = 0
    for (const patrolId of await patrolsRepo.staleIds(db, before, BATCH)) {
      if (stopping?.aborted) break
      if (await withTransaction(db, (trx) => closeStalePatrol({ trx, patrolId, now, rules }))) processed++
    }
    return { processed }
  },
}

jobs.push(closeStalePatrolsJob)
