import { AWAITING_RESPONSE_STATUSES, FINAL_CASE_STATUSES, slaHoursFor, type CaseStatus } from '@anju/shared'
import type { Trx } from '../db/knex'
import { templateTime } from '../integrations/wechat'
import { caseSupervisionsRepo, type SupervisionRow } from '../repositories/caseSupervisions'
import { casesRepo, type CaseRow } from '../repositories/cases'
import { categoriesRepo } from '../repositories/categories'
import { idsOnPath } from '../repositories/regions'
import { recordCaseFigures } from '../rollups'
import { usersRepo } from '../repositories/users'
import { NOTICE_PAGES, notify } from './notify'
import { recordCaseEvent } from './recordCaseEvent'

export type Deadline = 'response' | 'resolve'

const HOUR_MS = 60 * 60 * 1000
const SUPERVISOR_ROLES = ['staff', 'centre', 'admin'] as const
const WHAT: Record<Deadline, string> = { response: '受理', resolve: '办结' }

/**
 * Who is told: the staff of the level `levelsUp` above the one handling the case (督办 goes up a level, the
 * second round two). A level nobody works at passes it further up; at the top of the tree, the nearest below.
 */
async function supervisorsOf(trx: Trx, c: CaseRow, levelsUp: number): Promise<number[]> {
  const ids = idsOnPath(c.region_path)
  const handling = ids.length - 1
  const order = [...Array.from({ length: handling - levelsUp + 1 }, (_, i) => handling - levelsUp - i), ...Array.from({ length: levelsUp - 1 }, (_, i) => handling - levelsUp + 1 + i)]
  for (const index of order.filter((i) => i >= 0 && i < handling)) {
    const staff = await usersRepo.workingAt(trx, ids[index]!, SUPERVISOR_ROLES)
    if (staff.length > 0) return staff
  }
  return []
}

/** How long the missed deadline allowed: the category's SLA for the case's colour. */
async function spanOf(trx: Trx, c: CaseRow, which: Deadline): Promise<number> {
  const category = await categoriesRepo.findByCode(trx, c.category_code)
  if (!category) return (which === 'response' ? c.response_due_at : c.resolve_due_at).getTime() - c.created_at.getTime()
  const sla = slaHoursFor({ colour: category.colour, responseSlaHours: category.response_sla_hours, resolveSlaHours: category.resolve_sla_hours }, c.colour)
  return (which === 'response' ? sla.responseHours : sla.resolveHours) * HOUR_MS
}

async function noticeSupervisors(trx: Trx, c: CaseRow, which: Deadline, round: 1 | 2, now: Date) {
  const category = (await categoriesRepo.findByCode(trx, c.category_code))?.name ?? c.category_code
  const deadlineAt = which === 'response' ? c.response_due_at : c.resolve_due_at
  const body = round === 1
    ? `案件 ${c.number}（${category}）已超过${WHAT[which]}时限，请督促处理`
    : `二次督办：案件 ${c.number}（${category}）超过${WHAT[which]}时限已达两倍时长，仍未处理`
  await notify(trx, await supervisorsOf(trx, c, round), {
    kind: 'case_supervised', ref: `case:${c.id}:${which}:${deadlineAt.getTime()}:${round}`, body,
    page: NOTICE_PAGES.staffCase(c.id), caseId: c.id, regionPath: c.region_path, at: now,
    // Red (high-risk) cases reach supervisors on WeChat as well; the others wait in the inbox.
    wechat: c.colour === 'red',
    vars: {
      caseNumber: c.number, category, status: '超期', address: c.address, note: body, deadline: templateTime(deadlineAt),
      overdue: `超过${WHAT[which]}时限`, round: round === 1 ? '首次督办' : '二次督办', time: templateTime(now),
    },
  })
}

/**
 * A case missed its response or resolve deadline: marked overdue once, a supervision (督办) event on its timeline
 * (forwarded like any event), the supervising level told, and the second round scheduled at twice the span.
 * False when another run got there first.
 */
export async function superviseOverdueCase(trx: Trx, { caseId, which, now }: { caseId: number; which: Deadline; now: Date }): Promise<boolean> {
  if (!(await casesRepo.markOverdue(trx, caseId, which, now))) return false
  const c = (await casesRepo.findById(trx, caseId))!
  // The mark changed that one flag, under the row lock the update took: the case as it stood before.
  await recordCaseFigures(trx, { ...c, [`${which}_overdue`]: false }, c)
  await recordCaseEvent(trx, c, { kind: 'supervise', from: c.status, to: c.status, actor: null, note: `超过${WHAT[which]}时限，已督办` }, now)
  await noticeSupervisors(trx, c, which, 1, now)
  const deadlineAt = which === 'response' ? c.response_due_at : c.resolve_due_at
  await caseSupervisionsRepo.insert(trx, {
    caseId: c.id, deadline: which, deadlineAt, firstAt: now, secondDueAt: new Date(deadlineAt.getTime() + (await spanOf(trx, c, which))),
  })
  return true
}

/** Whether the deadline a supervision was about still stands unmet (not answered, closed, moved or cleared). */
function stillMissed(c: CaseRow, s: SupervisionRow): boolean {
  if (FINAL_CASE_STATUSES.includes(c.status)) return false
  if (s.deadline === 'response') {
    return AWAITING_RESPONSE_STATUSES.includes(c.status as CaseStatus) && c.response_overdue && c.response_due_at.getTime() === s.deadline_at.getTime()
  }
  return !['resolved', 'verified'].includes(c.status) && c.resolve_overdue && c.resolve_due_at.getTime() === s.deadline_at.getTime()
}

/**
 * The second round, at twice the overdue span: if the deadline is still missed, another supervision event and
 * the level above the supervisors is told. Done either way; false when another run already handled it.
 */
export async function escalateSupervision(trx: Trx, s: SupervisionRow, now: Date): Promise<boolean> {
  const c = (await casesRepo.findById(trx, s.case_id))!
  const missed = stillMissed(c, s)
  if (!(await caseSupervisionsRepo.finish(trx, s, missed ? now : null))) return false
  if (!missed) return false
  await recordCaseEvent(trx, c, {
    kind: 'supervise', from: c.status, to: c.status, actor: null, note: `二次督办：超过${WHAT[s.deadline]}时限已达两倍时长`,
  }, now)
  await noticeSupervisors(trx, c, s.deadline, 2, now)
  return true
}
