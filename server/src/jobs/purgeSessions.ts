import { rateLimitsRepo } from '../repositories/rateLimits'
import { refreshTokensRepo } from '../repositories/sessions'
import { jobs, type Job } from './index'

const HOUR_MS = 60 * 60 * 1000

/**
 * Deletes refresh tokens a day after they ran out (a reused one is told apart from a forged one only while its
 * row exists, and an expired token is refused by its signature anyway) and abuse counters an hour after theirs.
 */
export const purgeSessionsJob: Job = {
  name: 'purge-sessions',
  intervalMs: HOUR_MS,
  async run({ db }, now) {
    const tokens = await refreshTokensRepo.purgeExpired(db, new Date(now.getTime() - 24 * HOUR_MS))
    const counters = await rateLimitsRepo.purgeExpired(db, now.getTime() - HOUR_MS)
    return { processed: tokens + counters }
  },
}

jobs.push(purgeSessionsJob)
