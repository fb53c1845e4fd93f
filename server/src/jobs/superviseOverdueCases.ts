import type { Services } from '../context'
import { recordCaseEvent } from '../commands/recordCaseEvent'
import type { Queryable } from '../db/knex'
import { withTransaction } from '../db/transaction'
import { caseNotificationsRepo } from '../repositories/caseActivity'
import { casesRepo, type CaseRow } from '../repositories/cases'
import { idsOnPath } from '../repositories/regions'
import { recordCaseFigures } from '../rollups'
import { jobs, type Job } from './index'

const BATCH = 100
const SUPERVISOR_ROLES = ['staff', 'centre', 'admin']

/** The level above the one handling the case: whoever works there is told (督办 goes up a level). */
async function supervisorsOf(db: Queryable, c: CaseRow): Promise<number[]> {
  const ids = idsOnPath(c.region_path)
  const parentId = ids[ids.length - 2]
  if (!parentId) return []
  const rows = await db('users').where({ region_id: parentId, disabled: false }).whereIn('role', SUPERVISOR_ROLES).select('id')
  return rows.map((r: { id: number }) => Number(r.id))
}

/**
 * Marks cases past their response or resolve deadline, once each: a supervision (督办) event on the
 * timeline (and so to the outbox) and an in-app notice to the supervising level, in one transaction.
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
    if (stopping?.aborted) break
    const done = await withTransaction(db, async (trx) => {
      if (!(await casesRepo.markOverdue(trx, c.id, which, now))) return false
      const fresh = (await casesRepo.findById(trx, c.id))!
      // The mark changed that one flag, under the row lock the update took: the case as it stood before.
      await recordCaseFigures(trx, { ...fresh, [`${which}_overdue`]: false }, fresh)
      const what = which === 'response' ? '受理' : '办结'
      await recordCaseEvent(trx, fresh, {
        kind: 'supervise', from: fresh.status, to: fresh.status, actor: null, note: `超过${what}时限，已督办`,
      }, now)
      for (const userId of await supervisorsOf(trx, fresh)) {
        await caseNotificationsRepo.insert(trx, {
          userId, caseId: fresh.id, kind: `overdue_${which}`, title: `案件超期督办 ${fresh.number}`,
          body: `案件 ${fresh.number} 已超过${what}时限，请督促处理`, now,
        })
      }
      return true
    })
    if (done) processed++
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
