import { z } from '../zod'
import { RegionRef } from './users'

/** Secondary indicators at most (the four primaries carry them). */
export const MAX_SECONDARY_INDICATORS = 14

export const INDICATOR_DIRECTIONS = ['lower_better', 'higher_better'] as const
export const IndicatorDirection = z.enum(INDICATOR_DIRECTIONS)
export const INDICATOR_DIRECTION_LABELS = { lower_better: '越低越好', higher_better: '越高越好' } as const

/**
 * Where a secondary indicator's monthly value comes from: cases filed in the region in given categories
 * (per grid), the month's satisfaction or completion rate (0–1), or a figure the centre enters (per grid).
 */
export const INDICATOR_SOURCES = ['cases', 'satisfaction', 'completion', 'manual'] as const
export const IndicatorSource = z.enum(INDICATOR_SOURCES)
export type IndicatorSource = z.infer<typeof IndicatorSource>
export const INDICATOR_SOURCE_LABELS: Record<IndicatorSource, string> = {
  cases: '本系统案件（按类别）', satisfaction: '本系统满意率', completion: '本系统办结率', manual: '综治中心每月录入',
}

const code = z.string().trim().regex(/^[a-z][a-z0-9_]{1,31}$/, '编码只能使用小写字母、数字和下划线')
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM')
export const MonthString = month

export const SafetyIndicator = z
  .object({
    code,
    name: z.string().trim().min(1, '请填写名称').max(32),
    parentCode: code.nullable().describe('一级指标为 null'),
    weight: z.number().positive('权重须大于 0').max(1000),
    direction: IndicatorDirection,
    source: IndicatorSource.nullable().describe('二级指标的数据来源；一级指标为 null'),
    categoryCodes: z.array(z.string().max(32)).max(20).default([]),
    target: z.number().min(0).describe('得 100 分的值（案件、录入为每网格每月件数，满意率、办结率为 0–1）'),
    limit: z.number().min(0).describe('得 0 分的值'),
    explanation: z.string().trim().max(120).default(''),
  })
  .meta({ id: 'SafetyIndicator' })
export type SafetyIndicator = z.infer<typeof SafetyIndicator>

export const SafetyIndicatorList = z.object({ items: z.array(SafetyIndicator) }).meta({ id: 'SafetyIndicatorList' })

/** Replacing the whole configuration at once keeps it consistent (weights, parents, directions). */
export const SafetyIndicatorsInput = z
  .object({ items: z.array(SafetyIndicator).min(2).max(40) })
  .superRefine((v, ctx) => {
    const primaries = v.items.filter((i) => i.parentCode === null)
    const secondaries = v.items.filter((i) => i.parentCode !== null)
    const codes = new Set<string>()
    v.items.forEach((i, n) => {
      if (codes.has(i.code)) ctx.addIssue({ code: 'custom', message: '指标编码重复', path: ['items', n, 'code'] })
      codes.add(i.code)
      if (i.parentCode !== null && !primaries.some((p) => p.code === i.parentCode)) {
        ctx.addIssue({ code: 'custom', message: '所属一级指标不存在', path: ['items', n, 'parentCode'] })
      }
      if (i.parentCode === null && i.source !== null) ctx.addIssue({ code: 'custom', message: '一级指标不设数据来源', path: ['items', n, 'source'] })
      if (i.parentCode !== null) {
        if (i.source === null) ctx.addIssue({ code: 'custom', message: '请选择数据来源', path: ['items', n, 'source'] })
        if (i.source === 'cases' && i.categoryCodes.length === 0) ctx.addIssue({ code: 'custom', message: '请选择案件类别', path: ['items', n, 'categoryCodes'] })
        const rate = i.source === 'satisfaction' || i.source === 'completion'
        if (rate && (i.target > 1 || i.limit > 1)) ctx.addIssue({ code: 'custom', message: '比率的取值在 0 到 1 之间', path: ['items', n, 'target'] })
        const lower = i.direction === 'lower_better'
        if (lower ? i.target >= i.limit : i.target <= i.limit) {
          ctx.addIssue({ code: 'custom', message: lower ? '越低越好的指标：满分值须小于零分值' : '越高越好的指标：满分值须大于零分值', path: ['items', n, 'limit'] })
        }
      }
    })
    if (primaries.length === 0) ctx.addIssue({ code: 'custom', message: '至少需要一个一级指标', path: ['items'] })
    if (secondaries.length > MAX_SECONDARY_INDICATORS) ctx.addIssue({ code: 'custom', message: `二级指标最多 ${MAX_SECONDARY_INDICATORS} 个`, path: ['items'] })
    for (const p of primaries) {
      if (!secondaries.some((s) => s.parentCode === p.code)) ctx.addIssue({ code: 'custom', message: `一级指标「${p.name}」下没有二级指标`, path: ['items'] })
    }
  })
  .meta({ id: 'SafetyIndicatorsInput' })

/** One secondary indicator of a month: its raw value, the value scored (per grid or a rate) and its score. */
export const IndicatorResult = z.object({
  code: z.string(),
  name: z.string(),
  weight: z.number(),
  source: IndicatorSource,
  direction: IndicatorDirection,
  explanation: z.string(),
  raw: z.number().nullable().describe('件数或比率；无数据为 null（不计入，权重由同级分摊）'),
  value: z.number().nullable().describe('计分所用的值：件数按网格数折算为每网格件数，比率原样'),
  score: z.number().nullable(),
})
export const PrimaryResult = z.object({
  code: z.string(), name: z.string(), weight: z.number(), score: z.number().nullable(), indicators: z.array(IndicatorResult),
})
export const SafetyIndexResult = z
  .object({ score: z.number().nullable(), primaries: z.array(PrimaryResult) })
  .meta({ id: 'SafetyIndexResult' })
export type SafetyIndexResult = z.infer<typeof SafetyIndexResult>

export const SafetyIndexMonthQuery = z.object({ regionId: z.coerce.number().int().positive('请选择区域'), month })

/** What the console shows for a region and month: the computation now, what is missing, and what was published. */
export const SafetyIndexPreview = z
  .object({
    region: RegionRef,
    month: z.string(),
    gridCount: z.number().int(),
    monthEnded: z.boolean(),
    manual: z.array(z.object({ code: z.string(), name: z.string(), value: z.number().nullable(), explanation: z.string() })),
    missing: z.array(z.string()).describe('尚未录入的指标名称'),
    result: SafetyIndexResult,
    published: z.object({ score: z.number(), publishedAt: z.string(), publishedBy: z.string() }).nullable(),
    trend: z.array(z.object({ month: z.string(), score: z.number() })),
  })
  .meta({ id: 'SafetyIndexPreview' })

export const SafetyIndexInputsBody = z
  .object({
    regionId: z.number().int().positive('请选择区域'),
    month,
    values: z.array(z.object({ code, value: z.number().min(0, '数值不能为负').max(1_000_000) })).min(1).max(20),
  })
  .meta({ id: 'SafetyIndexInputs' })

export const SafetyIndexPublishBody = z.object({ regionId: z.number().int().positive('请选择区域'), month }).meta({ id: 'SafetyIndexPublish' })

export const SafetyIndexPublication = z
  .object({ region: RegionRef, month: z.string(), score: z.number(), publishedAt: z.string(), result: SafetyIndexResult })
  .meta({ id: 'SafetyIndexPublication' })

/** What residents read: the latest published month of their region (or the nearest region above with one). */
export const PublicSafetyIndexQuery = z.object({ regionId: z.coerce.number().int().positive().optional() })
export const PublicSafetyIndex = z
  .object({
    region: RegionRef.nullable(),
    latest: SafetyIndexPublication.nullable(),
    trend: z.array(z.object({ month: z.string(), score: z.number() })),
  })
  .meta({ id: 'PublicSafetyIndex' })
export type PublicSafetyIndex = z.infer<typeof PublicSafetyIndex>
