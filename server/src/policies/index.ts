import { isStaffRole, type Role } from '@anju/shared'
import { errors } from '../errors'
import type { Actor } from './actor'
import { caseRules } from './cases'

export type { Actor } from './actor'

/** Anything that belongs to one region node. */
export interface Scoped {
  regionPath: string
}

/**
 * True when `actor` may act on something in the region at `regionPath`: scoped accounts act only inside
 * their node's subtree. Residents are not scoped and never pass.
 */
export function withinScope(actor: Actor, regionPath: string): boolean {
  if (!isStaffRole(actor.role) || !actor.region) return false
  return regionPath.startsWith(actor.region.path)
}

const REVIEWER_ROLES: readonly Role[] = ['staff', 'centre', 'admin']
/** Who works in the governance console: street, district and city centres, and administrators. */
const CONSOLE_ROLES: readonly Role[] = ['centre', 'admin']
function isReviewer(actor: Actor): boolean {
  return REVIEWER_ROLES.includes(actor.role)
}

function mayProposeManualAward(actor: Actor): boolean {
  return isReviewer(actor) && actor.region !== null
}

type Rule = (actor: Actor, resource: any) => boolean

const rules = {
  /** Regions are public names, but a scoped account sees only its own subtree. */
  'region.read': (actor: Actor, region: Scoped) =>
    isStaffRole(actor.role) ? withinScope(actor, region.regionPath) : true,
  'user.readSelf': () => true,
  ...caseRules,
  /** Patrol teams, routes and checkpoints are run by staff, centre and admin accounts over their subtree. */
  'patrolTeam.manage': (actor: Actor, team: Scoped) =>
    isReviewer(actor) && withinScope(actor, team.regionPath),
  /** Any resident or volunteer may see a team and apply; scoped accounts see their subtree's. */
  'patrolTeam.read': (actor: Actor, team: Scoped) => (isStaffRole(actor.role) ? withinScope(actor, team.regionPath) : true),
  /** A patrol is seen by its volunteer and by scoped accounts over its community. */
  'patrol.read': (actor: Actor, patrol: Scoped & { userId: number }) =>
    actor.id === patrol.userId || withinScope(actor, patrol.regionPath),
  /** Approving and rejecting awards: community staff and above, inside their region. */
  'award.review': (actor: Actor, award: Scoped) => isReviewer(actor) && withinScope(actor, award.regionPath),
  'award.proposeManual': (actor: Actor) => mayProposeManualAward(actor),
  /** Finding a resident is for choosing whom a good-deed award is for: the proposers, over their subtree. */
  'resident.find': (actor: Actor, resident: Scoped) => mayProposeManualAward(actor) && withinScope(actor, resident.regionPath),
  /** Award rules, caps and budgets: administrators, inside their region. */
  'award.configure': (actor: Actor, region: Scoped) => actor.role === 'admin' && withinScope(actor, region.regionPath),
  'reward.manage': (actor: Actor, reward: Scoped) => isReviewer(actor) && withinScope(actor, reward.regionPath),
  /** Redeeming is for residents (volunteers are residents too), not for staff accounts. */
  'reward.redeem': (actor: Actor) => actor.role === 'resident' || actor.role === 'volunteer',
  /** Pickup codes are fulfilled where the reward is handed over: by reviewers over any of its pickup regions. */
  'redemption.fulfil': (actor: Actor, reward: { pickupPaths: string[] }) =>
    isReviewer(actor) && reward.pickupPaths.some((path) => withinScope(actor, path)),
  'redemption.cancel': (actor: Actor, redemption: { userId: number }) => redemption.userId === actor.id,
  /** The console's figures, board and map of a region: centres and administrators, inside their area. */
  'console.read': (actor: Actor, region: Scoped) => CONSOLE_ROLES.includes(actor.role) && withinScope(actor, region.regionPath),
  /** Entering a month's figures and publishing its 平安指数: the centre or an administrator over the region. */
  'safetyIndex.publish': (actor: Actor, region: Scoped) => CONSOLE_ROLES.includes(actor.role) && withinScope(actor, region.regionPath),
  /**
   * Staff accounts: an administrator manages any account inside their area, a centre the community staff and
   * grid workers inside theirs. `role` is the account's role (before and after a change, both are checked).
   */
  'staffAccount.manage': (actor: Actor, account: Scoped & { role: Role }) =>
    withinScope(actor, account.regionPath) &&
    (actor.role === 'admin' || (actor.role === 'centre' && (account.role === 'staff' || account.role === 'grid_worker'))),
  /** The indicators are the city's: administrators only. */
  'safetyIndex.configure': (actor: Actor) => actor.role === 'admin',
} satisfies Record<string, Rule>

export type Action = keyof typeof rules
type ResourceOf<A extends Action> = Parameters<(typeof rules)[A]>[1]

export function can<A extends Action>(actor: Actor, action: A, resource: ResourceOf<A>): boolean {
  return (rules[action] as Rule)(actor, resource)
}

/**
 * Throws unless `actor` may do `action` to `resource`. A refusal reads as "not found", so a scoped account
 * cannot learn what exists outside its region.
 */
export function authorize<A extends Action>(actor: Actor, action: A, resource: ResourceOf<A>): void {
  if (!can(actor, action, resource)) throw errors.notFound()
}

/** For staff-only pages: a resident asking gets 403, not a region-scope answer. */
export function requireReviewer(actor: Actor): asserts actor is Actor & { region: NonNullable<Actor['region']> } {
  if (!isReviewer(actor) || !actor.region) throw errors.forbidden()
}

/** For console pages: anyone but a centre or administrator gets 403, not a region-scope answer. */
export function requireConsoleUser(actor: Actor): asserts actor is Actor & { region: NonNullable<Actor['region']> } {
  if (!CONSOLE_ROLES.includes(actor.role) || !actor.region) throw errors.forbidden()
}

/** For administrator-only pages: anyone else asking gets 403. */
export function requireAdmin(actor: Actor): asserts actor is Actor & { region: NonNullable<Actor['region']> } {
  if (actor.role !== 'admin' || !actor.region) throw errors.forbidden()
}

/** The actions on `resource` that `actor` may take, returned with the resource so clients show only those. */
export function allowedActions<A extends Action>(actor: Actor, actions: A[], resource: ResourceOf<A>): A[] {
  return actions.filter((action) => can(actor, action, resource))
}
