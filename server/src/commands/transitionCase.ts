import {
  CASE_TRANSITIONS, actionsFrom, canRegrade, canTransition, rateOutcome, slaHoursFor, type CaseOffer, type CaseActionInput as CaseActionSchema, type CaseStatus,
} from '@anju/shared'
import type { z } from 'zod'
import { clawBackAward, proposeAward } from '../awards'
import type { Trx } from '../db/knex'
import { errors } from '../errors'
import { can, type Actor } from '../policies'
import type { CaseResource } from '../policies/cases'
import { casesRepo, type CaseChanges, type CaseRow } from '../repositories/cases'
import { categoriesRepo } from '../repositories/categories'
import { idsOnPath, regionsRepo } from '../repositories/regions'
import { uploadsRepo } from '../repositories/uploads'
import { usersRepo } from '../repositories/users'
import { recordCaseFigures } from '../rollups'
import { recordCaseEvent } from './recordCaseEvent'

type Input = z.output<typeof CaseActionSchema>


const HOUR_MS = 60 * 60 * 1000

export function caseResource(c: CaseRow): CaseResource & { anonymous: boolean } {
  return {
    regionPath: c.region_path, reporterId: c.reporter_id, assigneeId: c.assignee_id, confidential: c.confidential,
    anonymous: c.anonymous,
  }
}

/**
 * What `actor` may do to the case now: the state machine's moves that the policies allow this actor, and
 * re-grading its colour (调整预警等级) while it is still open.
 */
export function allowedCaseActions(actor: Actor, c: CaseRow): CaseOffer[] {
  const moves: CaseOffer[] = actionsFrom(c.status).filter((action) => can(actor, `case.${action}`, caseResource(c)))
  return canRegrade(c.status) && can(actor, 'case.regrade', caseResource(c)) ? [...moves, 'regrade'] : moves
}

/** Whether `actor` may see the case as a handler (a resident's access is through following it). */
export function canHandle(actor: Actor, c: CaseRow): boolean {
  return can(actor, 'case.handle', caseResource(c))
}

/**
 * Where an escalation goes: the parent of the level the escalating person works at (a community's staff
 * escalate to the street), or of the case's own region for an assignee working outside it.
 */
async function escalationTarget(trx: Trx, actor: Actor, c: CaseRow) {
  const from = actor.region && c.region_path.startsWith(actor.region.path) ? actor.region : { id: c.region_id, path: c.region_path }
  const ids = idsOnPath(from.path)
  const parentId = ids[ids.length - 2]
  return parentId ? regionsRepo.findById(trx, parentId) : undefined
}

/** The centre's level for a case: the street above its grid (or the nearest region above when none). */
async function centreRegion(trx: Trx, c: CaseRow) {
  const ancestors = await regionsRepo.findByIds(trx, idsOnPath(c.grid_path))
  return ancestors.find((r) => r.level === 'street') ?? ancestors.find((r) => r.level === 'district') ?? ancestors[0]!
}

/**
 * Points when a violation is verified, a hazard confirmed or a complaint closed (idempotent per case), by the
 * award rule in force at the case's grid for its category (see ruleInForce).
 */
async function proposeAwardFor(trx: Trx, c: CaseRow, actor: Actor, now: Date) {
  const category = await categoriesRepo.findByCode(trx, c.category_code)
  await proposeAward(trx, {
    userId: c.reporter_id,
    regionId: c.grid_id,
    kind: c.kind,
    source: { type: 'report', id: String(c.id) },
    categoryCode: c.category_code,
    proposedBy: actor.role === 'resident' ? null : actor.id,
    reason: `${category?.name ?? c.category_code} ${c.number}`,
    now,
  })
}

/**
 * Why a report's award no longer stands, when this move says the report was not what it claimed: rejected
 * (as false, or as a duplicate of another case) after its award, or its verification overturned when a
 * verified case goes back to the handlers. The award is taken back (see clawBackAward); null otherwise.
 */
function clawBackReason(c: CaseRow, input: Input, to: CaseStatus): string | null {
  if (input.action === 'reject') return input.duplicateOf ? `${c.number} 与 ${input.duplicateOf} 重复` : `${c.number} 不予受理：${input.reason}`
  if (c.status === 'verified' && (to === 'reopened' || to === 'escalated') && (c.kind === 'violation' || c.kind === 'hazard')) {
    return `${c.number} 核查结果被推翻，重新办理`
  }
  return null
}

/**
 * Moves a case by one action: checks the state machine (409 listing what this actor may do instead) and the
 * policy (403), applies the change only if nobody moved the case meanwhile, and writes the event and its
 * outbox messages in the same transaction.
 */
export async function transitionCase({
  trx, actor, caseId, input, now = new Date(), asPlatform = false,
}: {
  trx: Trx; actor: Actor; caseId: number; input: Input; now?: Date
  /** An external grid platform's account: any move inside its region, and it may dispatch to itself. */
  asPlatform?: boolean
}): Promise<CaseRow> {
  const c = await casesRepo.findById(trx, caseId)
  const isReporter = c?.reporter_id === actor.id
  if (!c || !(canHandle(actor, c) || isReporter)) throw errors.notFound()
  const action = input.action
  if (!canTransition(c.status, action)) {
    throw errors.caseTransitionNotAllowed({ status: c.status, allowed: allowedCaseActions(actor, c) })
  }
  if (!(asPlatform ? canHandle(actor, c) : can(actor, `case.${action}`, caseResource(c)))) throw errors.forbidden()

  const category = await categoriesRepo.findByCode(trx, c.category_code)
  // A restarted clock runs for the case's own colour (it may have been re-graded since intake).
  const sla = category
    ? slaHoursFor({ colour: category.colour, responseSlaHours: category.response_sla_hours, resolveSlaHours: category.resolve_sla_hours }, c.colour)
    : { responseHours: 24, resolveHours: 72 }
  let to: CaseStatus = CASE_TRANSITIONS[action].to
  const changes: CaseChanges = {}
  let note: string | null = null
  let photoIds: string[] = []
  switch (input.action) {
    case 'accept':
      note = input.note ?? null
      changes.accepted_at = now
      break
    case 'reject':
      note = input.reason
      changes.closed_at = now
      if (input.duplicateOf) {
        // Merged into the case it repeats: handlers follow the link; the reporter's award (if any) is taken back.
        const original = await casesRepo.findByNumber(trx, input.duplicateOf)
        if (!original || original.id === c.id || !canHandle(actor, original)) throw errors.invalidField('duplicateOf', '没有找到重复的原案件')
        changes.related_case_id = original.id
        note = `与 ${original.number} 重复：${input.reason}`
      }
      break
    case 'dispatch': {
      note = input.note ?? null
      if (asPlatform && input.assigneeId === actor.id) {
        changes.assignee_id = actor.id
        break
      }
      const worker = await usersRepo.findById(trx, input.assigneeId)
      const workerRegion = worker?.region_id ? await regionsRepo.findById(trx, worker.region_id) : undefined
      // A grid worker inside both the case's region and the dispatcher's own.
      if (!worker || worker.disabled || worker.role !== 'grid_worker' || !workerRegion ||
        !workerRegion.path.startsWith(c.region_path) || !actor.region || !workerRegion.path.startsWith(actor.region.path)) {
        throw errors.assigneeInvalid()
      }
      changes.assignee_id = worker.id
      break
    }
    case 'start':
      note = input.note ?? null
      break
    case 'resolve':
      note = input.note
      photoIds = input.photoIds
      if (photoIds.length > 0 && !(await uploadsRepo.attach(trx, photoIds, actor.id, c.id))) throw errors.photoNotFound()
      changes.outcome = input.outcome
      changes.resolved_at = now
      break
    case 'verify':
      note = input.note ?? null
      break
    case 'escalate': {
      note = input.reason
      const target = await escalationTarget(trx, actor, c)
      if (!target) throw errors.caseTransitionNotAllowed({ status: c.status, allowed: allowedCaseActions(actor, c).filter((a) => a !== 'escalate') })
      Object.assign(changes, {
        region_id: target.id, region_path: target.path, assignee_id: null, response_overdue: false,
        response_due_at: new Date(now.getTime() + sla.responseHours * HOUR_MS),
      })
      break
    }
    case 'rate':
      note = input.comment ?? null
      to = rateOutcome(input.satisfied, c.reopen_count)
      changes.rating_satisfied = input.satisfied
      changes.rating_comment = input.comment ?? null
      if (to === 'closed') changes.closed_at = now
      if (to === 'reopened') {
        // Back to the handlers with a fresh resolve deadline; the assignee stays, the old outcome goes.
        Object.assign(changes, {
          reopen_count: c.reopen_count + 1, outcome: null, resolved_at: null, resolve_overdue: false,
          resolve_due_at: new Date(now.getTime() + sla.resolveHours * HOUR_MS),
        })
      }
      if (to === 'escalated') {
        // The resident disputes the result twice: the centre reviews it, and the handler's outcome no longer stands.
        const centre = await centreRegion(trx, c)
        Object.assign(changes, {
          region_id: centre.id, region_path: centre.path, assignee_id: null, response_overdue: false, outcome: null,
          response_due_at: new Date(now.getTime() + sla.responseHours * HOUR_MS),
        })
      }
      break
    case 'close':
      note = input.note
      changes.closed_at = now
      // Closing without a verified resolution is honest about it: "closed, not fixed" unless the centre says otherwise.
      if (c.status === 'escalated') changes.outcome = input.outcome ?? 'not_fixed'
      break
  }
  changes.status = to

  if (!(await casesRepo.update(trx, c, changes, now))) throw errors.conflict()
  const updated = (await casesRepo.findById(trx, c.id))!
  await recordCaseFigures(trx, c, updated)
  await recordCaseEvent(trx, updated, { kind: action, from: c.status, to, actor, note, photoIds }, now)

  const violationOrHazardVerified = action === 'verify' && (c.kind === 'violation' || c.kind === 'hazard')
  const complaintClosed = to === 'closed' && c.kind === 'complaint' && updated.outcome !== 'not_fixed'
  if (violationOrHazardVerified || complaintClosed) await proposeAwardFor(trx, updated, actor, now)
  const claim = clawBackReason(c, input, to)
  if (claim) await clawBackAward(trx, { source: { type: 'report', id: String(c.id) }, actorId: actor.role === 'resident' ? null : actor.id, reason: claim, now })
  return updated
}


