import type { PointsEntry } from '@anju/shared'

/** Pages of the rewards mall sub-package (packages/mall). */
export const MALL_PAGES = {
  list: '/packages/mall/pages/list/index',
  detail: '/packages/mall/pages/detail/index',
  redemptions: '/packages/mall/pages/redemptions/index',
  redemption: '/packages/mall/pages/redemption/index',
  /** 积分攻略: what each report and a patrol earns, and the caps. */
  guide: '/packages/mall/pages/guide/index',
} as const

/** Pages of the patrol sub-package (packages/patrol). */
export const PATROL_PAGES = {
  start: '/packages/patrol/pages/start/index',
} as const

/** 我的数据 and the legal pages (packages/account): a small sub-package the login page links into. */
export const ACCOUNT_PAGES = {
  data: '/packages/account/pages/data/index',
  privacy: '/packages/account/pages/privacy/index',
  terms: '/packages/account/pages/terms/index',
} as const

/** Staff pages of the workbench sub-package (packages/workbench). */
export const WORKBENCH_PAGES = {
  awards: '/packages/workbench/pages/awards/index',
  pickup: '/packages/workbench/pages/pickup/index',
  /** Add `?userId=` to start with that resident chosen (when they live in the staff member's area). */
  manualAward: '/packages/workbench/pages/manual-award/index',
  rewards: '/packages/workbench/pages/rewards/index',
  /** Add `?id=` to change an existing reward; without it the form puts up a new one. */
  rewardForm: '/packages/workbench/pages/reward-form/index',
  /** 积分规则: reviewers read the award policy of a region in their area, administrators change it. */
  awardPolicy: '/packages/workbench/pages/award-policy/index',
  /** 修改密码 for any staff-type account (opened from 我的). */
  password: '/packages/workbench/pages/password/index',
} as const

/**
 * Where a ledger entry came from, as a page URL: a report's case file or a patrol record. Those pages
 * belong to other sub-packages; callers check platform.hasPage before linking.
 */
export function sourcePageOf(source: PointsEntry['source']): string | null {
  const id = encodeURIComponent(source.id)
  if (source.type === 'report') return `/packages/report/pages/detail/index?id=${id}`
  if (source.type === 'patrol') return `/packages/patrol/pages/record/index?id=${id}`
  return null
}
