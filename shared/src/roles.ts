import { z } from './zod'

/** Every account has one role; staff-type roles act only inside their region's subtree. */
export const ROLES = ['resident', 'volunteer', 'grid_worker', 'staff', 'centre', 'admin'] as const
export const Role = z.enum(ROLES)
export type Role = z.infer<typeof Role>

/** Roles whose account is scoped to one region node. */
export const SCOPED_ROLES: readonly Role[] = ['grid_worker', 'staff', 'centre', 'admin']

export const ROLE_LABELS: Record<Role, string> = {
  resident: '居民',
  volunteer: '志愿者',
  grid_worker: '网格员',
  staff: '社区工作人员',
  centre: '综治中心',
  admin: '管理员',
}

/** The region tree, top to bottom. */
export const REGION_LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const
export const RegionLevel = z.enum(REGION_LEVELS)
export type RegionLevel = z.infer<typeof RegionLevel>

export const REGION_LEVEL_LABELS: Record<RegionLevel, string> = {
  city: '市',
  district: '区',
  street: '街道',
  community: '社区',
  grid: '网格',
}

export function isStaffRole(role: Role): boolean {
  return SCOPED_ROLES.includes(role)
}
