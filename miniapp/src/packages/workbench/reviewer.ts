import type { Role } from '@anju/shared'

/**
 * Roles that review awards, verify pickups and propose good-deed awards (the server's reviewer roles).
 * The server decides each action anyway; this only keeps grid workers from seeing pages that would refuse them.
 */
export const REVIEWER_ROLES: readonly Role[] = ['staff', 'centre', 'admin']

export function isReviewerRole(role: Role): boolean {
  return REVIEWER_ROLES.includes(role)
}
