import { randomUUID } from 'node:crypto'
import type { Config } from '../config'
import type { Db } from '../db/knex'
import { withTransaction } from '../db/transaction'
import { createWechatClient, type WechatClient } from '../integrations/wechat'
import { createMetrics, type Metrics } from '../metrics'
import { outboxRepo, type OutboxRow, type StreamRow } from '../repositories/outbox'
import { destinations, type DeliveryServices, type Outcome } from './destinations'
import { jobs, type Job, type JobServices } from './index'

/** Due streams looked at per run, and how many of them are worked on at once. */
const STREAM_BATCH = 100
const PARALLEL_STREAMS = 8
/** Messages one lease may carry before the stream is let go, so one busy stream cannot hold a worker. */
const MESSAGES_PER_LEASE = 100
const PAGE = 20
/** A lease is renewed when less than this is left after the longest attempt could end. */
const LEASE_MARGIN_MS = 1_000

/** Wait before attempt n+1: base × 2^(n-1), with up to 20% jitter so a recovering receiver is not stampeded. */
export function backoffMs(base: number, attempts: number, random = Math.random): number {
  const plain = base * 2 ** Math.max(0, attempts - 1)
  return Math.round(plain * (1 + 0.2 * random()))
}

export interface DeliveryRun {
  processed: number
  delivered: number
}

type Services = DeliveryServices & { metrics: Metrics }

const ownWechat = new WeakMap<Config, WechatClient>()
const ownMetrics = new WeakMap<Db, Metrics>()
/** The services delivery needs, making (once) the WeChat client and metrics a caller did not hand over. */
function deliveryServices(s: JobServices): Services {
  let wechat = s.wechat ?? ownWechat.get(s.config)
  if (!wechat) ownWechat.set(s.config, (wechat = createWechatClient(s.config.wechat)))
  let metrics = s.metrics ?? ownMetrics.get(s.db)
  if (!metrics) ownMetrics.set(s.db, (metrics = createMetrics(s.db)))
  return { ...s, wechat, metrics }
}

/**
 * Delivers what is due in the outbox. The unit of work is a stream (one platform × one case, one user's inbox,
 * one user's WeChat messages): a worker leases a due stream, sends its messages one by one in sequence order,
 * and lets it go. Only streams whose head is due are ever picked, so streams waiting for a retry or blocked
 * behind a dead letter take no place in the batch and every other stream keeps moving.
 *
 * Several workers may run at once. A lease lasts longer than the longest attempt and is renewed before each
 * one, and every result is written only while the lease is still held, so no message is sent twice within a
 * lease; a crashed worker's lease runs out and the stream is picked up again (the receiver's idempotency key
 * tells it of a repeat). `now` is this run's clock; `streamIds` narrows the run (tests); once `stopping` aborts
 * (the process is shutting down) the streams in hand are finished and no other is taken up.
 */
export async function deliverOutbox(
  services: Services, now: Date, { streamIds, stopping }: { streamIds?: number[]; stopping?: AbortSignal } = {},
): Promise<DeliveryRun> {
  const startedAt = Date.now()
  const clock = () => new Date(now.getTime() + (Date.now() - startedAt))
  const due = await outboxRepo.dueStreams(services.db, now, STREAM_BATCH, streamIds)
  const total: DeliveryRun = { processed: 0, delivered: 0 }
  let next = 0
  const lane = async () => {
    while (next < due.length && !stopping?.aborted) {
      const stream = due[next++]!
      try {
        const run = await deliverStream(services, stream, clock)
        total.processed += run.processed
        total.delivered += run.delivered
      } catch (err) {
        // The database failed us mid-stream: the lease runs out and the stream is taken up again.
        services.logger.error({ err, stream: stream.stream_key }, 'outbox stream failed')
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL_STREAMS, due.length) }, lane))
  return total
}

async function deliverStream(services: Services, picked: StreamRow, clock: () => Date): Promise<DeliveryRun> {
  const { db, config, logger, metrics } = services
  const destination = destinations[picked.destination]
  const policy = destination.policy(config)
  const leaseMs = 2 * policy.timeoutMs + 2 * LEASE_MARGIN_MS
  const token = randomUUID()
  let leaseEnds = clock().getTime() + leaseMs
  if (!(await withTransaction(db, (trx) => outboxRepo.lease(trx, picked.id, token, clock(), new Date(leaseEnds))))) return { processed: 0, delivered: 0 }
  const stream = (await outboxRepo.findStream(db, picked.id))!
  const run: DeliveryRun = { processed: 0, delivered: 0 }

  let head = stream.next_seq
  let carried = 0
  while (carried < MESSAGES_PER_LEASE) {
    const page = await outboxRepo.fromHead(db, { id: stream.id, next_seq: head }, PAGE)
    if (page.length === 0) break
    for (const message of page) {
      if (carried++ >= MESSAGES_PER_LEASE) break
      let outcome: Outcome
      // Back-off counts from when the attempt began, not from when a slow receiver gave up.
      const attemptAt = clock()
      if (message.status === 'delivered' || message.status === 'skipped') {
        // Sent under an earlier lease that ran out before it moved the stream on: only the move is left.
        outcome = { kind: 'skipped', reason: message.last_error ?? 'already done' }
      } else {
        if (leaseEnds - clock().getTime() < policy.timeoutMs + LEASE_MARGIN_MS) {
          leaseEnds = clock().getTime() + leaseMs
          if (!(await withTransaction(db, (trx) => outboxRepo.renewLease(trx, stream.id, token, new Date(leaseEnds))))) return run
        }
        outcome = await attempt(services, message)
        run.processed++
        metrics.deliveries.inc({ destination: destination.name, outcome: outcome.kind })
      }
      if (outcome.kind === 'delivered' || outcome.kind === 'skipped') {
        const done = outcome
        const moved = await withTransaction(db, (trx) => outboxRepo.complete(trx, {
          streamId: stream.id, token, messageId: message.id, seq: message.seq, status: done.kind,
          note: done.kind === 'skipped' ? done.reason : undefined, now: clock(),
        }))
        if (!moved) return run
        if (outcome.kind === 'delivered') run.delivered++
        head = message.seq + 1
        continue
      }
      const attempts = message.attempts + 1
      const dead = outcome.kind === 'dead' || attempts >= policy.maxAttempts
      const error = outcome.error
      await withTransaction(db, (trx) => outboxRepo.fail(trx, {
        streamId: stream.id, token, messageId: message.id, attempts, error, dead, now: clock(),
        nextAttemptAt: new Date(attemptAt.getTime() + backoffMs(policy.backoffMs, attempts)),
      }))
      metrics.failures.inc({ destination: destination.name })
      if (dead) metrics.deadLettered.inc({ destination: destination.name })
      logger[dead ? 'warn' : 'info'](
        { outboxId: message.id, destination: destination.name, stream: stream.stream_key, attempts, error: outcome.error },
        dead ? 'outbox message dead-lettered' : 'outbox delivery failed',
      )
      return run
    }
  }
  await withTransaction(db, (trx) => outboxRepo.release(trx, stream.id, token, clock()))
  return run
}

/** One attempt; an unexpected error (a bug, the database away) counts as a failure worth retrying. */
async function attempt(services: DeliveryServices, message: OutboxRow): Promise<Outcome> {
  try {
    return await destinations[message.destination].deliver(services, message)
  } catch (err) {
    services.logger.error({ err, outboxId: message.id }, 'outbox delivery threw')
    return { kind: 'retry', error: `error: ${(err as Error).message}` }
  }
}

export const deliverOutboxJob: Job = {
  name: 'deliver-outbox',
  intervalMs: (config) => config.gridLoop.outboxIntervalMs,
  async run(services, now, stopping) {
    return deliverOutbox(deliveryServices(services), now, { stopping })
  },
}

jobs.push(deliverOutboxJob)
