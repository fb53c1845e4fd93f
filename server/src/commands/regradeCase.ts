import { AWAITING_RESPONSE_STATUSES, CASE_COLOUR_LABELS, canRegrade, caseDeadlines, type RegradeCaseInput } from '@anju/shared'
import type { z } from 'zod'
import type { Trx } from '../db/knex'
import { errors } from '../errors'
import { can, type Actor } from '../policies'
import { caseEventsRepo } from '../repositories/caseActivity'
import { casesRepo, type CaseChanges, type CaseRow } from '../repositories/cases'
import { categoriesRepo } from '../repositories/categories'
import { recordCaseFigures } from '../rollups'
import { recordCaseEvent } from './recordCaseEvent'
import { allowedCaseActions, caseResource, canHandle } from './transitionCase'

type Input = z.output<typeof RegradeCaseInput>

/**
 * 调整预警等级: changes a still-open case's colour and recomputes its open deadlines with the category's SLA
 * hours scaled for the new colour (shared `caseDeadlines`). Each deadline counts from when its clock last
 * started: the response deadline from submission (or the latest escalation), the resolve deadline from
 * submission (or the latest reopening). A deadline moved past `now` clears its overdue mark, so the scanner
 * supervises it again if it is missed; one already past stays (or becomes) due for the scanner.
 * Writes the immutable `regrade` event (and its outbox messages) in the same transaction.
 */
export async function regradeCase({
  trx, actor, caseId, input, now = new Date(),
}: { trx: Trx; actor: Actor; caseId: number; input: Input; now?: Date }): Promise<CaseRow> {
  const c = await casesRepo.findById(trx, caseId)
  if (!c || !canHandle(actor, c)) throw errors.notFound()
  if (!canRegrade(c.status)) throw errors.caseTransitionNotAllowed({ status: c.status, allowed: allowedCaseActions(actor, c) })
  if (!can(actor, 'case.regrade', caseResource(c))) throw errors.forbidden()
  if (input.colour === c.colour) throw errors.invalidField('colour', '预警等级未改变')

  const category = await categoriesRepo.findByCode(trx, c.category_code)
  if (!category) throw errors.categoryUnknown()
  const sla = { colour: category.colour, responseSlaHours: category.response_sla_hours, resolveSlaHours: category.resolve_sla_hours }
  const events = await caseEventsRepo.listForCase(trx, c.id)
  const lastTo = (status: string) => [...events].reverse().find((e) => e.to_status === status && e.from_status !== status)?.created_at
  const responseFrom = (c.status === 'escalated' ? lastTo('escalated') : undefined) ?? c.created_at
  const resolveFrom = (c.reopen_count > 0 ? lastTo('reopened') : undefined) ?? c.created_at

  const changes: CaseChanges = { colour: input.colour }
  if (AWAITING_RESPONSE_STATUSES.includes(c.status)) {
    changes.response_due_at = caseDeadlines(sla, input.colour, responseFrom).responseDueAt
    if (changes.response_due_at.getTime() > now.getTime()) changes.response_overdue = false
  }
  changes.resolve_due_at = caseDeadlines(sla, input.colour, resolveFrom).resolveDueAt
  if (changes.resolve_due_at.getTime() > now.getTime()) changes.resolve_overdue = false

  if (!(await casesRepo.update(trx, c, changes, now))) throw errors.conflict()
  const updated = (await casesRepo.findById(trx, c.id))!
  await recordCaseFigures(trx, c, updated)
  await recordRegrade(trx, c, updated, actor, input.reason, now)
  return updated
}

async function recordRegrade(trx: Trx, before: CaseRow, after: CaseRow, actor: Actor, reason: string, now: Date) {
  const note = `${CASE_COLOUR_LABELS[before.colour]} → ${CASE_COLOUR_LABELS[after.colour]}：${reason}`
  await recordCaseEvent(trx, after, { kind: 'regrade', from: before.status, to: after.status, actor, note }, now)
}
