import { z } from '../zod'

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')

export const MetricsQuery = z
  .object({
    from: day.describe('起始日（含，北京时间）'),
    to: day.describe('截止日（含，北京时间）'),
    groupBy: z.enum(['region', 'grid', 'worker']).default('grid').describe('region 为社区'),
  })
  .refine((q) => q.from <= q.to, { message: '起始日不能晚于截止日', path: ['from'] })

export const MetricsRow = z
  .object({
    key: z.object({ id: z.number().int().nullable(), name: z.string() }),
    filed: z.number().int().describe('期间提交的案件数（含不予受理）'),
    total: z.number().int().describe('期间受理范围内的案件数（不含不予受理）'),
    rejected: z.number().int(),
    accepted: z.number().int().describe('已受理'),
    acceptedOnTime: z.number().int().describe('在受理时限内受理'),
    closed: z.number().int(),
    closedOnTime: z.number().int().describe('在办结时限内办结'),
    fixed: z.number().int().describe('办结且已解决'),
    notFixed: z.number().int().describe('办结但未能解决：如实单列'),
    noAction: z.number().int().describe('办结，经核实无需处置'),
    open: z.number().int().describe('尚未办结'),
    overdue: z.number().int().describe('已超过受理或办结时限'),
    rated: z.number().int(),
    satisfied: z.number().int(),
    completionRate: z.number().nullable().describe('办结率 = 办结 / 总数'),
    onTimeRate: z.number().nullable().describe('按时办结率 = 按时办结 / 办结'),
    acceptedOnTimeRate: z.number().nullable().describe('按时受理率 = 按时受理 / 已受理'),
    satisfactionRate: z.number().nullable().describe('满意率 = 满意 / 已评价'),
    medianHoursToClose: z.number().nullable().describe('办结用时中位数（小时），按用时分段估算'),
  })
  .meta({ id: 'MetricsRow' })
export type MetricsRow = z.infer<typeof MetricsRow>

export const MetricsReport = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: z.enum(['region', 'grid', 'worker']),
    overall: MetricsRow,
    rows: z.array(MetricsRow),
  })
  .meta({ id: 'MetricsReport' })
export type MetricsReport = z.infer<typeof MetricsReport>
