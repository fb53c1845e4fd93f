import type { Services } from '../context'
import { withTransaction } from '../db/transaction'
import { patrolTracksRepo } from '../repositories/patrols'
import { jobs, type Job } from './index'

const BATCH = 200
const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Deletes the location tracks of patrols started more than PATROL_TRACK_RETENTION_DAYS ago. The patrol, its
 * check-ins, judgement and award stay: only where the volunteer walked goes.
 */
export async function purgePatrolTracks({ db, config }: Pick<Services, 'db' | 'config'>, now: Date): Promise<{ processed: number }> {
  const before = new Date(now.getTime() - config.retention.patrolTrackDays * DAY_MS)
  let processed = 0
  for (const patrolId of await patrolTracksRepo.keptBefore(db, before, BATCH)) {
    await withTransaction(db, (trx) => patrolTracksRepo.deleteTrack(trx, patrolId, now))
    processed++
  }
  return { processed }
}

export const purgePatrolTracksJob: Job = {
  name: 'purge-patrol-tracks',
  intervalMs: 60 * 60 * 1000,
  run: (services, now) => purgePatrolTracks(services, now),
}

jobs.push(purgePatrolTracksJob)
