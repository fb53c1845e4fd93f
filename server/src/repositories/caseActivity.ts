import { z } from 'zod'
import { CaseEventKind, CaseStatus, Role } from '@anju/shared'
import type { Queryable } from '../db/knex'
import { isUniqueViolation } from '../db/transaction'
import { flag, jsonArray, time } from './rows'

/** A case's timeline (immutable events) and its followers. */
export const CaseEventRow = z.object({
  id: z.coerce.number().int(),
  case_id: z.coerce.number().int(),
  kind: CaseEventKind,
  from_status: CaseStatus.nullable(),
  to_status: CaseStatus.nullable(),
  actor_id: z.coerce.number().int().nullable(),
  actor_role: Role.nullable(),
  note: z.string().nullable(),
  photo_ids: jsonArray(z.string()),
  created_at: time,
})
export type CaseEventRow = z.infer<typeof CaseEventRow>

export const FollowerRow = z.object({
  case_id: z.coerce.number().int(),
  user_id: z.coerce.number().int(),
  relation: z.enum(['reporter', 'follower']),
  anonymous: flag,
})
export type FollowerRow = z.infer<typeof FollowerRow>

export const caseEventsRepo = {
  /** Events are immutable: this is the only write. */
  async insert(
    db: Queryable,
    e: { caseId: number; kind: CaseEventKind; from: CaseStatus | null; to: CaseStatus | null; actorId: number | null; actorRole: Role | null; note: string | null; photoIds: string[]; now: Date },
  ): Promise<CaseEventRow> {
    const row = {
      case_id: e.caseId, kind: e.kind, from_status: e.from, to_status: e.to, actor_id: e.actorId,
      actor_role: e.actorRole, note: e.note, photo_ids: JSON.stringify(e.photoIds), created_at: e.now,
    }
    const [id] = await db('case_events').insert(row)
    return CaseEventRow.parse({ ...row, id: Number(id) })
  },
  /** Reports a user filed since `since`, new cases and ones linked to an open case alike. */
  async countSubmissionsSince(db: Queryable, userId: number, since: Date): Promise<number> {
    const row = await db('case_events').where({ actor_id: userId }).whereIn('kind', ['submit', 'follow'])
      .andWhere('created_at', '>=', since).count({ n: '*' }).first()
    return Number(row?.n ?? 0)
  },
  /** A case's events in the order they happened (ids only break ties: they are not time-ordered on every engine). */
  async listForCase(db: Queryable, caseId: number) {
    return (await db('case_events').where({ case_id: caseId }).orderBy([{ column: 'created_at' }, { column: 'id' }])).map((r: unknown) => CaseEventRow.parse(r))
  },
}

export const caseFollowersRepo = {
  /** False when the user already follows the case (a concurrent follow got there first). */
  async insert(db: Queryable, f: { caseId: number; userId: number; relation: 'reporter' | 'follower'; anonymous: boolean; now: Date }) {
    try {
      await db('case_followers').insert({ case_id: f.caseId, user_id: f.userId, relation: f.relation, anonymous: f.anonymous, created_at: f.now })
      return true
    } catch (err) {
      if (isUniqueViolation(err)) return false
      throw err
    }
  },
  async find(db: Queryable, caseId: number, userId: number) {
    const row = await db('case_followers').where({ case_id: caseId, user_id: userId }).first()
    return row ? FollowerRow.parse(row) : undefined
  },
  /** Everyone following the case: its reporter and residents whose report was merged into it. */
  async userIdsOf(db: Queryable, caseId: number): Promise<number[]> {
    return (await db('case_followers').where({ case_id: caseId }).pluck('user_id')).map(Number)
  },
  async findForUser(db: Queryable, userId: number, caseIds: number[]) {
    if (caseIds.length === 0) return []
    return (await db('case_followers').where({ user_id: userId }).whereIn('case_id', caseIds)).map((r: unknown) => FollowerRow.parse(r))
  },
}
