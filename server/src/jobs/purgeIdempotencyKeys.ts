import type { Services } from '../context'
import { idempotencyKeysRepo } from '../repositories/idempotencyKeys'
import { jobs, type Job } from './index'

const HOUR_MS = 60 * 60 * 1000

/**
 * Deletes stored idempotent answers older than IDEMPOTENCY_RETENTION_HOURS (24 by default): a client retries
 * within minutes, and an answer kept longer only holds what it said.
 */
export async function purgeIdempotencyKeys({ db, config }: Pick<Services, 'db' | 'config'>, now: Date): Promise<{ processed: number }> {
  const processed = await idempotencyKeysRepo.deleteOlderThan(db, new Date(now.getTime() - config.retention.idempotencyHours * HOUR_MS))
  return { processed }
}

export const purgeIdempotencyKeysJob: Job = {
  name: 'purge-idempotency-keys',
  intervalMs: HOUR_MS,
  run: (services, now) => purgeIdempotencyKeys(services, now),
}

jobs.push(purgeIdempotencyKeysJob)
