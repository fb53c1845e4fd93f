import type { Services } from '../context'
import { jobRunsRepo } from '../repositories/jobRuns'

/**
 * What background jobs are given: the process's long-lived parts, less the HTTP-only ones. The worker and the
 * demo process hand over their WeChat client and metrics; a job that needs them and is run without makes its own.
 */
export type JobServices = Pick<Services, 'db' | 'config' | 'logger'> & Partial<Pick<Services, 'wechat' | 'metrics'>>

/**
 * Background jobs run by `main.ts worker` (and in-process by `main.ts demo`). Each run is idempotent and
 * works through what is due in bounded batches, so two workers or a crash mid-run do no harm.
 */
export interface Job {
  name: string
  /** How often it runs: a fixed time, or one read from the configuration. */
  intervalMs: number | ((config: JobServices['config']) => number)
  run(services: JobServices, now: Date): Promise<{ processed: number }>
}

export const jobs: Job[] = []

/**
 * Runs every job on its interval until `signal` aborts; a failing run is logged and tried again next time.
 * Each run is recorded (job_runs) for /metrics.
 */
export function startJobs(services: JobServices, signal: AbortSignal): void {
  for (const job of jobs) {
    let running = false
    const tick = async () => {
      if (running || signal.aborted) return
      running = true
      const startedAt = new Date()
      let processed = 0
      let ok = false
      try {
        processed = (await job.run(services, startedAt)).processed
        ok = true
        if (processed > 0) services.logger.info({ job: job.name, processed }, 'job run')
      } catch (err) {
        services.logger.error({ err, job: job.name }, 'job failed')
      }
      try {
        await jobRunsRepo.record(services.db, { job: job.name, startedAt, finishedAt: new Date(), processed, ok })
      } catch (err) {
        services.logger.warn({ err, job: job.name }, 'could not record the job run')
      } finally {
        running = false
      }
    }
    const timer = setInterval(tick, typeof job.intervalMs === 'number' ? job.intervalMs : job.intervalMs(services.config))
    timer.unref()
    signal.addEventListener('abort', () => clearInterval(timer))
    void tick()
  }
}
