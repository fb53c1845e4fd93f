import { z } from 'zod'
import type { Queryable } from '../db/knex'
import { time } from './rows'

export const SupervisionRow = z.object({
  case_id: z.coerce.number().int(),
  deadline: z.enum(['response', 'resolve']),
  deadline_at: time,
  first_at: time,
  second_due_at: time,
  second_at: time.nullable(),
  state: z.enum(['waiting', 'done']),
})
export type SupervisionRow = z.infer<typeof SupervisionRow>

/** 督办 rounds per missed deadline: one row per case, deadline and the deadline's time. */
export const caseSupervisionsRepo = {
  async insert(db: Queryable, s: { caseId: number; deadline: 'response' | 'resolve'; deadlineAt: Date; firstAt: Date; secondDueAt: Date }) {
    await db('case_supervisions')
      .insert({
        case_id: s.caseId, deadline: s.deadline, deadline_at: s.deadlineAt, first_at: s.firstAt, second_due_at: s.secondDueAt,
        second_at: null, state: 'waiting',
      })
      .onConflict(['case_id', 'deadline', 'deadline_at'])
      .ignore()
  },
  /** Supervisions whose second round is due, soonest first. */
  async dueForSecond(db: Queryable, now: Date, limit: number) {
    const rows = await db('case_supervisions').where({ state: 'waiting' }).andWhere('second_due_at', '<=', now)
      .orderBy([{ column: 'second_due_at' }, { column: 'case_id' }]).limit(limit)
    return rows.map((r: unknown) => SupervisionRow.parse(r))
  },
  /** Ends the wait, once: false when another run already did. */
  async finish(db: Queryable, s: Pick<SupervisionRow, 'case_id' | 'deadline' | 'deadline_at'>, secondAt: Date | null) {
    const count = await db('case_supervisions')
      .where({ case_id: s.case_id, deadline: s.deadline, deadline_at: s.deadline_at, state: 'waiting' })
      .update({ state: 'done', second_at: secondAt })
    return count === 1
  },
  async listForCase(db: Queryable, caseId: number) {
    return (await db('case_supervisions').where({ case_id: caseId }).orderBy('first_at')).map((r: unknown) => SupervisionRow.parse(r))
  },
}
