import { isStaffRole, type Role } from '@anju/shared'
import type { Actor } from './actor'

/** What the case policies look at. */
export interface CaseResource {
  regionPath: string
  reporterId: number
  assigneeId: number | null
  confidential: boolean
}

const DISPATCHERS: readonly Role[] = ['staff', 'centre', 'admin']

function inScope(actor: Actor, c: CaseResource): boolean {
  return isStaffRole(actor.role) && !!actor.region && c.regionPath.startsWith(actor.region.path)
}

const isAssignee = (actor: Actor, c: CaseResource) => actor.role === 'grid_worker' && c.assigneeId === actor.id
const isDispatcherInScope = (actor: Actor, c: CaseResource) => DISPATCHERS.includes(actor.role) && inScope(actor, c)

/**
 * Case rules. A handler reads a case inside their subtree, a grid worker also the cases dispatched to
 * them; residents reach their own cases through `case.follow` (reporter or follower), checked by the caller.
 */
export const caseRules = {
  'case.handle': (actor: Actor, c: CaseResource) => inScope(actor, c) || isAssignee(actor, c),
  /** Who reported is hidden from handlers when anonymous, and for confidential clues from all but the centre. */
  'case.seeReporter': (actor: Actor, c: CaseResource & { anonymous: boolean }) =>
    !c.anonymous && (!c.confidential || actor.role === 'centre') && inScope(actor, c),
  'case.accept': isDispatcherInScope,
  'case.reject': isDispatcherInScope,
  'case.dispatch': isDispatcherInScope,
  'case.start': isAssignee,
  'case.resolve': isAssignee,
  'case.verify': isDispatcherInScope,
  'case.close': isDispatcherInScope,
  'case.escalate': (actor: Actor, c: CaseResource) => isDispatcherInScope(actor, c) || isAssignee(actor, c),
  'case.rate': (actor: Actor, c: CaseResource) => c.reporterId === actor.id,
  /** 调整预警等级: any handler in scope (staff, centre, grid workers) or the assigned grid worker. */
  'case.regrade': (actor: Actor, c: CaseResource) => inScope(actor, c) || isAssignee(actor, c),
}
