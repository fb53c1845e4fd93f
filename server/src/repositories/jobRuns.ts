import { z } from 'zod'
import type { Queryable } from '../db/knex'
import { flag, time } from './rows'

export const JobRunRow = z.object({
  job: z.string(),
  last_started_at: time,
  last_finished_at: time,
  last_duration_ms: z.coerce.number().int(),
  last_processed: z.coerce.number().int(),
  last_ok: flag,
  failures: z.coerce.number().int(),
})
export type JobRunRow = z.infer<typeof JobRunRow>

/** The last run of each background job, whichever worker ran it. */
export const jobRunsRepo = {
  async record(db: Queryable, r: { job: string; startedAt: Date; finishedAt: Date; processed: number; ok: boolean }) {
    const durationMs = r.finishedAt.getTime() - r.startedAt.getTime()
    await db('job_runs')
      .insert({
        job: r.job, last_started_at: r.startedAt, last_finished_at: r.finishedAt, last_duration_ms: durationMs,
        last_processed: r.processed, last_ok: r.ok, failures: r.ok ? 0 : 1,
      })
      .onConflict('job')
      .merge({
        last_started_at: r.startedAt, last_finished_at: r.finishedAt, last_duration_ms: durationMs, last_processed: r.processed,
        last_ok: r.ok, failures: r.ok ? db.raw('failures') : db.raw('failures + 1'),
      })
  },
  async all(db: Queryable) {
    return (await db('job_runs').orderBy('job')).map((r: unknown) => JobRunRow.parse(r))
  },
}
