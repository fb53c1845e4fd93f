import { CaseColour } from '../caseMachine'
import { RegionLevel } from '../roles'
import { z } from '../zod'
import { MetricsRow } from './metrics'
import { RegionRef } from './users'

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
/** The longest period one console request may cover. */
export const CONSOLE_MAX_DAYS = 366

const spanDays = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000

export const regionIdQuery = z.coerce.number().int().positive('请选择区域')

/** A region of the user's area and a period of China dates, both ends included. */
export const ConsolePeriodQuery = z
  .object({ regionId: regionIdQuery, from: day.describe('起始日（含，北京时间）'), to: day.describe('截止日（含）') })
  .refine((q) => q.from <= q.to, { message: '起始日不能晚于截止日', path: ['from'] })
  .refine((q) => spanDays(q.from, q.to) < CONSOLE_MAX_DAYS, { message: `一次最多查询 ${CONSOLE_MAX_DAYS} 天`, path: ['to'] })
export type ConsolePeriodQuery = z.input<typeof ConsolePeriodQuery>

export const PointsFigures = z
  .object({
    issued: z.number().int().describe('期间发放（扣除撤回）'),
    redeemed: z.number().int().describe('期间兑换（扣除退回）'),
    expired: z.number().int().describe('期间过期'),
    outstanding: z.number().int().describe('截至期末：本区域发放的积分减去在本区域兑换和过期的积分'),
  })
  .meta({ id: 'PointsFigures' })

export const PatrolFigures = z
  .object({
    valid: z.number().int(),
    invalid: z.number().int(),
    pending: z.number().int().describe('进行中或待判定'),
    volunteerHours: z.number().describe('有效巡逻时长合计（小时）'),
  })
  .meta({ id: 'PatrolFigures' })

export const Overview = z
  .object({
    region: RegionRef,
    from: z.string(),
    to: z.string(),
    cases: MetricsRow,
    /** By the region's children (districts, streets, communities or grids), then by grid and by grid worker. */
    childLevel: RegionLevel.nullable(),
    children: z.array(MetricsRow),
    grids: z.array(MetricsRow),
    workers: z.array(MetricsRow),
    daily: z.array(z.object({ day: z.string(), filed: z.number().int(), closed: z.number().int(), overdue: z.number().int() })),
    categories: z.array(z.object({ code: z.string(), name: z.string(), filed: z.number().int() })),
    points: PointsFigures,
    patrols: PatrolFigures,
  })
  .meta({ id: 'Overview' })
export type Overview = z.infer<typeof Overview>

/** The figures a list of cases can stand behind: each is a column of the case rollups. */
export const CASE_FIGURES = [
  'filed', 'total', 'rejected', 'accepted', 'accepted_on_time', 'closed', 'closed_on_time', 'fixed', 'not_fixed', 'no_action',
  'rated', 'satisfied', 'overdue', 'open',
] as const
export const CaseFigure = z.enum(CASE_FIGURES)
export type CaseFigure = z.infer<typeof CaseFigure>
export const CASE_FIGURE_LABELS: Record<CaseFigure, string> = {
  filed: '提交', total: '受理范围内', rejected: '不予受理', accepted: '已受理', accepted_on_time: '按时受理', closed: '办结',
  closed_on_time: '按时办结', fixed: '已解决', not_fixed: '未能解决', no_action: '无需处置', rated: '已评价', satisfied: '满意',
  overdue: '超期', open: '未办结',
}

export const ConsoleCaseQuery = z
  .object({
    regionId: regionIdQuery,
    from: day,
    to: day,
    figure: CaseFigure.default('filed'),
    gridId: z.coerce.number().int().positive().optional(),
    /** 0 for cases not dispatched to anyone. */
    assigneeId: z.coerce.number().int().min(0).optional(),
    cursor: z.string().regex(/^\d{1,15}_\d{1,12}$/, '翻页参数有误').optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => q.from <= q.to, { message: '起始日不能晚于截止日', path: ['from'] })
  .refine((q) => spanDays(q.from, q.to) < CONSOLE_MAX_DAYS, { message: `一次最多查询 ${CONSOLE_MAX_DAYS} 天`, path: ['to'] })

/** 红黄绿 board: open cases by how their deadline stands. */
export const DEADLINE_STATES = ['overdue', 'due_soon', 'on_track'] as const
export const DeadlineState = z.enum(DEADLINE_STATES)
export type DeadlineState = z.infer<typeof DeadlineState>
export const DEADLINE_STATE_LABELS: Record<DeadlineState, string> = { overdue: '已超期', due_soon: '24 小时内到期', on_track: '未到期' }

export const BoardQuery = z.object({
  regionId: regionIdQuery,
  colour: CaseColour.optional(),
  state: DeadlineState.optional(),
  cursor: z.string().regex(/^\d{1,15}_\d{1,12}$/, '翻页参数有误').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
})

export const BoardCounts = z
  .array(z.object({ colour: CaseColour, state: DeadlineState, count: z.number().int() }))
  .meta({ id: 'BoardCounts' })

/** A grid on the heat map: its polygon (GCJ-02 [lat, lng] ring) and its cases per week of the period. */
export const HeatmapGrid = z.object({
  id: z.number().int(),
  name: z.string(),
  community: z.string(),
  polygon: z.array(z.tuple([z.number(), z.number()])).nullable().describe('未设置范围的网格为 null'),
  areaKm2: z.number().nullable(),
  filed: z.array(z.number().int()).describe('每周提交的案件数，与 weeks 一一对应'),
  overdue: z.array(z.number().int()).describe('其中超期的案件数'),
})
export const Heatmap = z
  .object({
    region: RegionRef,
    from: z.string(),
    to: z.string(),
    weeks: z.array(z.object({ from: z.string(), to: z.string() })).describe('周一至周日，首尾两周按查询范围截断'),
    grids: z.array(HeatmapGrid),
  })
  .meta({ id: 'Heatmap' })
export type Heatmap = z.infer<typeof Heatmap>

export const RankingQuery = z.object({
  regionId: regionIdQuery,
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM'),
  level: z.enum(['community', 'grid']).default('community'),
})
const RankingFigures = z.object({
  total: z.number().int(),
  completionRate: z.number().nullable(),
  onTimeRate: z.number().nullable(),
  satisfactionRate: z.number().nullable(),
  safetyIndex: z.number().nullable().describe('该月已发布的平安指数'),
})
export const Rankings = z
  .object({
    region: RegionRef,
    month: z.string(),
    previousMonth: z.string(),
    level: z.enum(['community', 'grid']),
    items: z.array(z.object({ id: z.number().int(), name: z.string(), parent: z.string(), current: RankingFigures, previous: RankingFigures })),
  })
  .meta({ id: 'Rankings' })
export type Rankings = z.infer<typeof Rankings>
