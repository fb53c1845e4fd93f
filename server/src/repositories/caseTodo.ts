import { AWAITING_RESPONSE_STATUSES, type CaseStatus } from '@anju/shared'
import type { Knex } from 'knex'
import type { Queryable } from '../db/knex'
import { CaseRow } from './cases'

const IN_HAND: readonly CaseStatus[] = ['dispatched', 'in_progress', 'reopened']
const OPEN: readonly CaseStatus[] = [...AWAITING_RESPONSE_STATUSES, 'accepted', ...IN_HAND]

/** Whose 待办: a grid worker's is what is assigned to them; anyone else's, every case handled in their subtree. */
export type TodoOwner = { kind: 'worker'; userId: number } | { kind: 'region'; path: string }

function mine(q: Knex.QueryBuilder, owner: TodoOwner) {
  return owner.kind === 'worker' ? q.where('assignee_id', owner.userId) : q.where('region_path', 'like', `${owner.path}%`)
}

/** The deadline that matters now: the response deadline while a case waits for 受理, the resolve deadline after. */
const NEXT_DEADLINE = `CASE WHEN status IN (${AWAITING_RESPONSE_STATUSES.map((s) => `'${s}'`).join(', ')}) THEN response_due_at ELSE resolve_due_at END`

export const caseTodoRepo = {
  async counts(db: Queryable, owner: TodoOwner) {
    const count = async (build: (q: Knex.QueryBuilder) => Knex.QueryBuilder) =>
      Number((await build(mine(db('cases'), owner)).count({ n: '*' }).first())?.n ?? 0)
    return {
      assigned: await count((q) => q.whereIn('status', IN_HAND)),
      awaitingAcceptance: owner.kind === 'worker' ? 0 : await count((q) => q.whereIn('status', AWAITING_RESPONSE_STATUSES)),
      overdue: await count((q) => q.whereIn('status', OPEN).andWhere((w) => w.where('response_overdue', true).orWhere('resolve_overdue', true))),
    }
  },
  /** Open cases, the nearest deadline first. */
  async nearestDeadlines(db: Queryable, owner: TodoOwner, limit: number) {
    const rows = await mine(db('cases'), owner)
      .whereIn('status', owner.kind === 'worker' ? IN_HAND : OPEN)
      .orderByRaw(`${NEXT_DEADLINE} asc, id asc`)
      .limit(limit)
    return rows.map((r: unknown) => CaseRow.parse(r))
  },
}
