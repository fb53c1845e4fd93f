import type { Services } from '../context'
import { escalateSupervision, superviseOverdueCase } from '../commands/superviseCase'
import { withTransaction } from '../db/transaction'
import { caseSupervisionsRepo } from '../repositories/caseSupervisions'
import { casesRepo } from '../repositories/cases'
import { jobs, type Job } from './index'

const BATCH = 100

/**
 * Supervises cases past their response or resolve deadline: the first 督办 at the deadline (each case and
 * deadline once), the second, a level higher, at twice the span if the deadline is still missed. Each case in
 * its own transaction.
 */
export async function superviseOverdueCases(
  { db }: Pick<Services, 'db'>,
  now: Date,
  { ids, stopping }: { ids?: number[]; stopping?: AbortSignal } = {},
): Promise<{ processed: number }> {
  const due = await casesRepo.dueForSupervision(db, now, BATCH)
  const work = [
    ...due.response.map((c) => ({ c, which: 'response' as const })),
    ...due.resolve.map((c) => ({ c, which: 'resolve' as const })),
  ].filter(({ c }) => !ids || ids.includes(c.id))
  let processed = 0
  for (const { c, which } of work) {
    if (stopping?.aborted) return { processed }
    if (await withTransaction(db, (trx) => superviseOverdueCase(trx, { caseId: c.id, which, now }))) processed++
  }
  for (const s of await caseSupervisionsRepo.dueForSecond(db, now, BATCH)) {
    if (stopping?.aborted) break
    if (ids && !ids.includes(s.case_id)) continue
    if (await withTransaction(db, (trx) => escalateSupervision(trx, s, now))) processed++
  }
  return { processed }
}

export const superviseOverdueCasesJob: Job = {
  name: 'supervise-overdue-cases',
  intervalMs: 60_000,
  async run(services, now, stopping) {
    return superviseOverdueCases(services, now, { stopping })
  },
}

jobs.push(superviseOverdueCasesJob)
