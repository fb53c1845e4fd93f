import type { Services } from '../context'
import { deliverToPlatform } from '../integrations/gridPlatform'
import { gridPlatformsRepo, outboxRepo } from '../repositories/outbox'
import { jobs, type Job } from './index'

const BATCH = 50

/** Wait before attempt n+1: base × 2^(n-1), with up to 20% jitter so a recovering platform is not stampeded. */
export function backoffMs(base: number, attempts: number, random = Math.random): number {
  const plain = base * 2 ** Math.max(0, attempts - 1)
  return Math.round(plain * (1 + 0.2 * random()))
}

/**
 * Delivers due outbox messages to the external grid platforms. Each message is leased before sending so two
 * workers never send it at once; a case's messages reach a platform in order (a later one waits while an
 * earlier one is pending or dead). Failures back off exponentially and become dead letters after the last
 * attempt, or at once when the platform refuses the message as such.
 */
export async function deliverOutbox(
  { db, config, logger }: Pick<Services, 'db' | 'config' | 'logger'>,
  now: Date,
  { ids, fetch: doFetch, stopping }: { ids?: number[]; fetch?: typeof fetch; stopping?: AbortSignal } = {},
): Promise<{ processed: number; delivered: number }> {
  const { platformTimeoutMs, platformMaxAttempts, platformBackoffMs } = config.gridLoop
  const due = (await outboxRepo.due(db, now, BATCH)).filter((row) => !ids || ids.includes(row.id))
  let processed = 0
  let delivered = 0
  for (const row of due) {
    if (stopping?.aborted) break
    if (await outboxRepo.hasEarlierUndelivered(db, row)) continue
    // Held for two timeouts: long enough to finish this attempt, short enough to retry after a crash.
    if (!(await outboxRepo.lease(db, row, new Date(now.getTime() + 2 * platformTimeoutMs)))) continue
    processed++
    const platform = await gridPlatformsRepo.findById(db, row.platform_id)
    const result = platform?.active
      ? await deliverToPlatform(platform, { idempotencyKey: row.idempotency_key, payload: row.payload }, { timeoutMs: platformTimeoutMs, fetch: doFetch })
      : { ok: false as const, permanent: true, error: 'platform disabled' }
    if (result.ok) {
      await outboxRepo.markDelivered(db, row.id, new Date())
      delivered++
      continue
    }
    const attempts = row.attempts + 1
    const dead = result.permanent || attempts >= platformMaxAttempts
    await outboxRepo.markFailed(db, row.id, {
      attempts, dead, error: result.error, nextAttemptAt: new Date(now.getTime() + backoffMs(platformBackoffMs, attempts)),
    })
    logger[dead ? 'warn' : 'info']({ outboxId: row.id, platformId: row.platform_id, attempts, error: result.error }, dead ? 'outbox message dead-lettered' : 'outbox delivery failed')
  }
  return { processed, delivered }
}

export const deliverOutboxJob: Job = {
  name: 'deliver-outbox',
  intervalMs: 5_000,
  async run(services, now, stopping) {
    return deliverOutbox(services, now, { stopping })
  },
}

jobs.push(deliverOutboxJob)
