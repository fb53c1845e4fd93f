import type { ReportKind } from '@anju/shared'

/** Pages of the reporting sub-package (packages/report). */
export const REPORT_PAGES = {
  new: (kind: ReportKind) => `/packages/report/pages/new/index?kind=${kind}`,
  detail: (id: number) => `/packages/report/pages/detail/index?id=${id}`,
} as const
