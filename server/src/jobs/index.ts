import type { Services } from '../context'

/**
 * Background jobs run by `main.ts worker` (and in-process by `main.ts demo`). Each run is idempotent and
 * works through what is due in bounded batches, so two workers or a crash mid-run do no harm.
 */
export interface Job {
  name: string
  intervalMs: number
  run(services: Pick<Services, 'db' | 'config' | 'logger'>, now: Date): Promise<{ processed: number }>
}

export const jobs: Job[] = []

/** Runs every job on its interval until `signal` aborts; a failing run is logged and tried again next time. */
export function startJobs(services: Pick<Services, 'db' | 'config' | 'logger'>, signal: AbortSignal): void {
  for (const job of jobs) {
    let running = false
    const tick = async () => {
      if (running || signal.aborted) return
      running = true
      try {
        const { processed } = await job.run(services, new Date())
        if (processed > 0) services.logger.info({ job: job.name, processed }, 'job run')
      } catch (err) {
        services.logger.error({ err, job: job.name }, 'job failed')
      } finally {
        running = false
      }
    }
    const timer = setInterval(tick, job.intervalMs)
    timer.unref()
    signal.addEventListener('abort', () => clearInterval(timer))
    void tick()
  }
}
