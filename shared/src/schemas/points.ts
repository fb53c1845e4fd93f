import { z } from '../zod'
import { RegionRef } from './users'

export const AWARD_KINDS = ['violation', 'hazard', 'complaint', 'patrol', 'manual'] as const
export const AwardKind = z.enum(AWARD_KINDS)
export type AwardKind = z.infer<typeof AwardKind>
export const AWARD_KIND_LABELS: Record<AwardKind, string> = {
  violation: '违法举报核实',
  hazard: '隐患线索确认',
  complaint: '诉求办结',
  patrol: '有效巡逻',
  manual: '好人好事',
}

export const AWARD_STATUSES = ['pending', 'approved', 'rejected', 'reversed'] as const
export const AwardStatus = z.enum(AWARD_STATUSES)
export type AwardStatus = z.infer<typeof AwardStatus>
export const AWARD_STATUS_LABELS: Record<AwardStatus, string> = {
  pending: '待审核',
  approved: '已发放',
  rejected: '未通过',
  reversed: '已撤回',
}

export const LEDGER_ENTRY_KINDS = ['award', 'redemption', 'refund', 'reversal', 'expiry'] as const
export const LedgerEntryKind = z.enum(LEDGER_ENTRY_KINDS)
export const PointsSourceType = z.enum(['report', 'patrol', 'manual', 'redemption', 'expiry'])

export const PendingAward = z.object({
  id: z.string(),
  kind: AwardKind,
  points: z.number().int(),
  reason: z.string(),
  createdAt: z.string(),
})

export const PointsSummary = z
  .object({
    balance: z.number().int(),
    pending: z.number().int().describe('待审核的积分合计'),
    lifetimeEarned: z.number().int(),
    debt: z.number().int().describe('被撤回但余额不足、待后续奖励抵扣的积分'),
    expiringSoon: z
      .object({ points: z.number().int(), before: z.string() })
      .nullable()
      .describe('将在 before 之前过期的积分（所在区域启用了积分有效期时）'),
    pendingAwards: z.array(PendingAward),
  })
  .meta({ id: 'PointsSummary' })
export type PointsSummary = z.infer<typeof PointsSummary>

export const PointsEntry = z
  .object({
    transactionId: z.string(),
    kind: LedgerEntryKind,
    amount: z.number().int(),
    reason: z.string().describe('可读的原因'),
    source: z.object({ type: PointsSourceType, id: z.string() }),
    createdAt: z.string(),
  })
  .meta({ id: 'PointsEntry' })
export type PointsEntry = z.infer<typeof PointsEntry>

export const PageQuery = z.object({
  cursor: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})

export const PointsEntryPage = z
  .object({ items: z.array(PointsEntry), next: z.string().nullable() })
  .meta({ id: 'PointsEntryPage' })

export const PersonRef = z.object({ id: z.number().int(), displayName: z.string() })

export const AWARD_ACTIONS = ['approve', 'reject'] as const
export const AwardView = z
  .object({
    id: z.string(),
    kind: AwardKind,
    points: z.number().int(),
    grantedPoints: z.number().int().nullable(),
    status: AwardStatus,
    reason: z.string(),
    source: z.object({ type: PointsSourceType, id: z.string() }),
    resident: PersonRef,
    region: RegionRef,
    proposedBy: PersonRef.nullable(),
    decidedBy: PersonRef.nullable(),
    decisionNote: z.string().nullable(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
    actions: z.array(z.enum(AWARD_ACTIONS)),
  })
  .meta({ id: 'Award' })
export type AwardView = z.infer<typeof AwardView>

export const AwardQuery = PageQuery.extend({ status: AwardStatus.default('pending') })
export const AwardPage = z.object({ items: z.array(AwardView), next: z.string().nullable() }).meta({ id: 'AwardPage' })

export const AwardIdParam = z.object({ id: z.string().uuid('编号有误') })

export const RejectAwardInput = z
  .object({ reason: z.string().trim().min(2, '请填写不通过的原因').max(200) })
  .meta({ id: 'RejectAwardInput' })

export const BatchApproveInput = z
  .object({ ids: z.array(z.string().uuid()).min(1, '请选择要审核的奖励').max(50) })
  .meta({ id: 'BatchApproveInput' })

export const BatchApproveResult = z
  .object({
    results: z.array(
      z.object({ id: z.string(), ok: z.boolean(), code: z.string().optional(), message: z.string().optional(), award: AwardView.optional() }),
    ),
  })
  .meta({ id: 'BatchApproveResult' })

export const ManualAwardInput = z
  .object({
    userId: z.number().int().positive('请填写居民编号'),
    points: z.number().int().min(1, '积分至少为 1').max(1000, '单次最多 1000 积分'),
    reason: z.string().trim().min(2, '请填写奖励原因').max(200),
  })
  .meta({ id: 'ManualAwardInput' })

export const AwardRuleInput = z
  .object({
    regionId: z.number().int().positive(),
    kind: z.enum(['violation', 'hazard', 'complaint', 'patrol']),
    categoryCode: z.string().trim().max(32).default('').describe('留空为该类事项的默认规则'),
    points: z.number().int().min(0, '积分不能为负').max(10_000).describe('0 表示不奖励'),
    autoApprove: z.boolean().default(false),
  })
  .meta({ id: 'AwardRuleInput' })

/** Budgets and caps are stored as 32-bit integers. */
const MAX_SETTING = 1_000_000_000

export const AwardSettingsInput = z
  .object({
    regionId: z.number().int().positive(),
    monthlyBudget: z.number().int().min(0, '预算不能为负数').max(MAX_SETTING, '数值过大').nullable().describe('每月发放预算，null 为不限'),
    dailyCapPerResident: z.number().int().min(0, '上限不能为负数').max(MAX_SETTING, '数值过大').nullable(),
    monthlyCapPerResident: z.number().int().min(0, '上限不能为负数').max(MAX_SETTING, '数值过大').nullable(),
    pointsValidMonths: z
      .number()
      .int()
      .min(1, '积分有效期至少 1 个月')
      .max(120, '积分有效期最长 120 个月')
      .nullable()
      .optional()
      .describe('积分有效期（月）：获得满这么多个月仍未用掉的积分过期；null 为永不过期，不传则不变'),
  })
  .meta({ id: 'AwardSettingsInput' })

export const AwardPolicyView = z
  .object({
    region: RegionRef,
    /** The settings in force here: this region's own, or its nearest ancestor's. */
    settings: z
      .object({
        fromRegion: RegionRef,
        monthlyBudget: z.number().int().nullable(),
        dailyCapPerResident: z.number().int().nullable(),
        monthlyCapPerResident: z.number().int().nullable(),
        pointsValidMonths: z.number().int().nullable(),
        usedThisMonth: z.number().int(),
      })
      .nullable(),
    rules: z.array(
      z.object({
        fromRegion: RegionRef,
        kind: z.enum(['violation', 'hazard', 'complaint', 'patrol']),
        categoryCode: z.string(),
        points: z.number().int(),
        autoApprove: z.boolean(),
      }),
    ),
    /** What each offered category pays here: the rule a closed or verified report of it is paid by. */
    categories: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        kind: z.enum(['violation', 'hazard', 'complaint']),
        points: z.number().int(),
        autoApprove: z.boolean(),
        rule: z.object({ fromRegion: RegionRef, categoryCode: z.string().describe('空为按事项类型的默认规则') }).nullable(),
      }),
    ),
    patrolPoints: z.number().int().describe('一次有效巡逻的积分'),
  })
  .meta({ id: 'AwardPolicy' })

export const PointsGuide = z
  .object({
    region: RegionRef,
    categories: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        kind: z.enum(['violation', 'hazard', 'complaint']),
        points: z.number().int().describe('核实属实（诉求为办结）后可得积分，0 为不奖励'),
        autoApprove: z.boolean().describe('true 为自动发放，否则须工作人员审核'),
      }),
    ),
    patrolPoints: z.number().int(),
    limits: z.object({
      dailyCap: z.number().int().nullable(),
      monthlyCap: z.number().int().nullable(),
      pointsValidMonths: z.number().int().nullable(),
      earnedToday: z.number().int(),
      earnedThisMonth: z.number().int(),
    }),
  })
  .meta({ id: 'PointsGuide' })
export type PointsGuide = z.infer<typeof PointsGuide>

export const RegionIdQuery = z.object({ regionId: z.coerce.number().int().positive('请选择区域') })
