import type { Services } from '../context'
import { isDatabaseUnavailable } from '../db/unavailable'
import { jobRunsRepo } from '../repositories/jobRuns'

/**
 * What background jobs are given: the process's long-lived parts, less the HTTP-only ones. The worker and the
 * demo process hand over their WeChat client, upload store and metrics; a job that needs them and is run without
 * makes its own from the configuration.
 */
export type JobServices = Pick<Services, 'db' | 'config' | 'logger'> & Partial<Pick<Services, 'wechat' | 'metrics' | 'files'>>

/**
 * Background jobs run by `main.ts worker` (and in-process by `main.ts demo`). Each run is idempotent and
 * works through what is due in bounded batches, so two workers or a crash mid-run do no harm.
 */
export interface Job {
  name: string
  /** How often it runs: a fixed time, or one read from the configuration. */
  intervalMs: number | ((config: JobServices['config']) => number)
  /** `stopping` aborts when the process is shutting down: a run finishes the item in hand and starts no other. */
  run(services: JobServices, now: Date, stopping?: AbortSignal): Promise<{ processed: number }>
}

export const jobs: Job[] = []

export interface RunningJobs {
  /** Starts no more runs, lets each running job finish the item in hand, and resolves once they have. */
  stop(): Promise<void>
}

/**
 * Runs every job on its interval until stopped; a failing run is logged and tried again next time. Each run is
 * recorded (job_runs) for /metrics. The interval timers hold the process up until `stop`: a worker has nothing
 * else that does once its database has gone away (every pooled connection closed), and it must stay and try
 * again rather than end quietly.
 */
export function startJobs(services: JobServices): RunningJobs {
  const stopping = new AbortController()
  const inFlight = new Set<Promise<void>>()
  const timers: NodeJS.Timeout[] = []
  for (const job of jobs) {
    let running = false
    const tick = () => {
      if (running || stopping.signal.aborted) return
      running = true
      const run = (async () => {
        const startedAt = new Date()
        let processed = 0
        let ok = false
        try {
          processed = (await job.run(services, startedAt, stopping.signal)).processed
          ok = true
          if (processed > 0) services.logger.info({ job: job.name, processed }, 'job run')
        } catch (err) {
          const unavailable = isDatabaseUnavailable(err)
          services.logger.error({ err, job: job.name }, unavailable ? 'job failed: the database is out of reach or busy, trying again next run' : 'job failed')
        }
        try {
          await jobRunsRepo.record(services.db, { job: job.name, startedAt, finishedAt: new Date(), processed, ok })
        } catch (err) {
          services.logger.warn({ err, job: job.name }, 'could not record the job run')
        } finally {
          running = false
        }
      })()
      inFlight.add(run)
      void run.finally(() => inFlight.delete(run))
    }
    timers.push(setInterval(tick, typeof job.intervalMs === 'number' ? job.intervalMs : job.intervalMs(services.config)))
    tick()
  }
  return {
    async stop() {
      stopping.abort()
      for (const timer of timers) clearInterval(timer)
      await Promise.all([...inFlight])
    },
  }
}
