import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { OUTBOX_DESTINATIONS } from '@anju/shared'
import type { Db } from './db/knex'
import { jobRunsRepo } from './repositories/jobRuns'
import { outboxRepo } from './repositories/outbox'

/**
 * Prometheus metrics for GET /metrics. What lives in the database (the outbox's depth and age, dead letters, each
 * job's last run) is read at scrape time, so every instance tells the same, whichever process did the work.
 * Counters (deliveries, failures, HTTP latency) are this process's own since it started.
 */
export function createMetrics(db: Db) {
  const registry = new Registry()
  registry.setDefaultLabels({ service: 'anju' })

  const deliveries = new Counter({
    name: 'anju_outbox_deliveries_total',
    help: 'Outbox delivery attempts by this process, by destination and outcome (delivered, skipped, retry, dead)',
    labelNames: ['destination', 'outcome'] as const,
    registers: [registry],
  })
  const failures = new Counter({
    name: 'anju_outbox_failures_total',
    help: 'Failed outbox delivery attempts by this process, by destination (retried or dead-lettered)',
    labelNames: ['destination'] as const,
    registers: [registry],
  })
  const deadLettered = new Counter({
    name: 'anju_outbox_dead_lettered_total',
    help: 'Messages this process turned into dead letters, by destination',
    labelNames: ['destination'] as const,
    registers: [registry],
  })
  const httpDuration = new Histogram({
    name: 'anju_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })

  const depth = new Gauge({
    name: 'anju_outbox_depth',
    help: 'Outbox messages waiting to be delivered, by destination',
    labelNames: ['destination'] as const,
    registers: [registry],
  })
  const oldestAge = new Gauge({
    name: 'anju_outbox_oldest_age_seconds',
    help: 'Age of the oldest message still waiting, by destination (0 when none waits)',
    labelNames: ['destination'] as const,
    registers: [registry],
  })
  const deadLetters = new Gauge({
    name: 'anju_outbox_dead_letters',
    help: 'Dead letters waiting for an admin to replay them, by destination',
    labelNames: ['destination'] as const,
    registers: [registry],
  })
  const jobLastRun = new Gauge({
    name: 'anju_job_last_run_timestamp_seconds',
    help: 'When each background job last finished a run (Unix time)',
    labelNames: ['job'] as const,
    registers: [registry],
  })
  const jobDuration = new Gauge({
    name: 'anju_job_last_duration_seconds',
    help: 'How long each background job\'s last run took',
    labelNames: ['job'] as const,
    registers: [registry],
  })
  const jobOk = new Gauge({
    name: 'anju_job_last_run_ok',
    help: '1 when the job\'s last run succeeded, 0 when it failed',
    labelNames: ['job'] as const,
    registers: [registry],
  })
  const jobFailures = new Gauge({
    name: 'anju_job_consecutive_failures',
    help: 'Failed runs of each job since its last success',
    labelNames: ['job'] as const,
    registers: [registry],
  })

  /** Reads the database-held figures; called once per scrape. */
  async function refresh(now = new Date()) {
    const rows = await outboxRepo.depth(db)
    for (const destination of OUTBOX_DESTINATIONS) {
      const pending = rows.find((r) => r.destination === destination && r.status === 'pending')
      const dead = rows.find((r) => r.destination === destination && r.status === 'dead')
      depth.set({ destination }, pending?.count ?? 0)
      oldestAge.set({ destination }, pending?.oldest ? Math.max(0, (now.getTime() - pending.oldest.getTime()) / 1000) : 0)
      deadLetters.set({ destination }, dead?.count ?? 0)
    }
    for (const run of await jobRunsRepo.all(db)) {
      jobLastRun.set({ job: run.job }, run.last_finished_at.getTime() / 1000)
      jobDuration.set({ job: run.job }, run.last_duration_ms / 1000)
      jobOk.set({ job: run.job }, run.last_ok ? 1 : 0)
      jobFailures.set({ job: run.job }, run.failures)
    }
  }

  return {
    registry,
    deliveries,
    failures,
    deadLettered,
    httpDuration,
    /** The exposition text and its content type. */
    async render(): Promise<{ contentType: string; body: string }> {
      await refresh()
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>
