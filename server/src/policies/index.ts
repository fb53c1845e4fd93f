import { isStaffRole } from '@anju/shared'
import { errors } from '../errors'
import type { Actor } from './actor'

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

type Rule = (actor: Actor, resource: any) => boolean

const rules = {
  /** Regions are public names, but a scoped account sees only its own subtree. */
  'region.read': (actor: Actor, region: Scoped) =>
    isStaffRole(actor.role) ? withinScope(actor, region.regionPath) : true,
  'user.readSelf': () => true,
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

/** The actions on `resource` that `actor` may take, returned with the resource so clients show only those. */
export function allowedActions<A extends Action>(actor: Actor, actions: A[], resource: ResourceOf<A>): A[] {
  return actions.filter((action) => can(actor, action, resource))
}
