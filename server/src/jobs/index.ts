import type { Services } from '../context'

/**
 * Background jobs run by `main.ts worker` (and in-process by `main.ts demo`). Each run is idempotent and
 * works through what is due in bounded batches, so two workers or a crash mid-run do no harm.
 */
export interface Job {
  name: string
  intervalMs: number
  /** `stopping` aborts when the process is shutting down: a run finishes the item in hand and starts no other. */
  run(services: Pick<Services, 'db' | 'config' | 'logger'>, now: Date, stopping?: AbortSignal): Promise<{ processed: number }>
}

export const jobs: Job[] = []

export interface RunningJobs {
  /** Starts no more runs, lets each running job finish the item in hand, and resolves once they have. */
  stop(): Promise<void>
}

/** Runs every job on its interval until stopped; a failing run is logged and tried again next time. */
export function startJobs(services: Pick<Services, 'db' | 'config' | 'logger'>): RunningJobs {
  const stopping = new AbortController()
  const inFlight = new Set<Promise<void>>()
  const timers: NodeJS.Timeout[] = []
  for (const job of jobs) {
    let running = false
    const tick = () => {
      if (running || stopping.signal.aborted) return
      running = true
      const run = (async () => {
        try {
          const { processed } = await job.run(services, new Date(), stopping.signal)
          if (processed > 0) services.logger.info({ job: job.name, processed }, 'job run')
        } catch (err) {
          services.logger.error({ err, job: job.name }, 'job failed')
        } finally {
          running = false
        }
      })()
      inFlight.add(run)
      void run.finally(() => inFlight.delete(run))
    }
    const timer = setInterval(tick, job.intervalMs)
    timer.unref()
    timers.push(timer)
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
