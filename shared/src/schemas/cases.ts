import {
  CASE_COLOURS, CaseColour, CaseEventKind, CaseOffer, CaseStatus, ResolutionOutcome,
} from '../caseMachine'
import { RegionLevel, Role } from '../roles'
import { z } from '../zod'
import { PersonRef } from './points'
import { RegionRef } from './users'

export const REPORT_KINDS = ['complaint', 'violation', 'hazard'] as const
export const ReportKind = z.enum(REPORT_KINDS)
export type ReportKind = z.infer<typeof ReportKind>
export const REPORT_KIND_LABELS: Record<ReportKind, string> = {
  complaint: '我要投诉',
  violation: '我要举报',
  hazard: '隐患线索',
}

/** Fields a category may require beyond text and location. */
export const REQUIRED_FIELDS = ['plate', 'photo'] as const
export const RequiredField = z.enum(REQUIRED_FIELDS)
export type RequiredField = z.infer<typeof RequiredField>

export const MAX_REPORT_PHOTOS = 9

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领'
/**
 * Chinese plates: province + issuing letter + 5 characters (I and O never used), the last possibly 挂/学/警/港/澳;
 * new-energy plates have 6: small cars D/F first (湘AD12345), large vehicles D/F last (湘A12345D).
 */
const PLATE = new RegExp(
  `^[${PROVINCES}][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳]|[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF])$`,
)

/** Uppercases and drops the separators people type (space, ·, -). */
export function normalizePlate(input: string): string {
  return input.replace(/[\s·•.\-]/g, '').toUpperCase()
}

export function isValidPlate(plate: string): boolean {
  return PLATE.test(normalizePlate(plate))
}

export const PlateNumber = z
  .string()
  .trim()
  .transform(normalizePlate)
  .refine((p) => PLATE.test(p), '车牌号格式不正确，例如 湘C12345 或新能源 湘CD12345')

/** A point as the phone reports it: GCJ-02 (China's offset datum), the datum named on every answer. */
export const GeoPoint = z.object({
  lat: z.number().min(3, '位置不在服务范围内').max(54, '位置不在服务范围内'),
  lng: z.number().min(73, '位置不在服务范围内').max(136, '位置不在服务范围内'),
})
export type GeoPoint = z.infer<typeof GeoPoint>

export const ReportLocation = GeoPoint.extend({
  address: z.string().trim().min(1, '请填写地址').max(200, '地址最多 200 字'),
})

export const CategoryView = z
  .object({
    code: z.string(),
    kind: ReportKind,
    name: z.string(),
    colour: CaseColour,
    responseSlaHours: z.number().int(),
    resolveSlaHours: z.number().int(),
    routing: RegionLevel.describe('首先受理的区域层级'),
    requiredFields: z.array(RequiredField),
    confidential: z.boolean().describe('保密线索：仅综治中心可见举报人'),
  })
  .meta({ id: 'Category' })
export type CategoryView = z.infer<typeof CategoryView>

export const CategoryList = z.object({ items: z.array(CategoryView) }).meta({ id: 'CategoryList' })
export const CategoryQuery = z.object({ kind: ReportKind.optional() })

export const SubmitReportInput = z
  .object({
    kind: ReportKind,
    categoryCode: z.string().trim().min(1, '请选择类别').max(32),
    text: z.string().trim().min(5, '描述至少 5 个字').max(500, '描述最多 500 字'),
    photoIds: z.array(z.string().regex(/^[a-f0-9]{32}$/, '照片编号有误')).max(MAX_REPORT_PHOTOS, `最多 ${MAX_REPORT_PHOTOS} 张照片`).default([]),
    location: ReportLocation,
    plate: PlateNumber.optional(),
    anonymous: z.boolean().default(false),
    publicPhotos: z.boolean().default(false).describe('同意在公开数据（Open311 等）中展示照片（去除位置信息后的副本）；默认不同意'),
    occurredAt: z.iso.datetime({ offset: true, message: '发生时间格式有误' }),
    gridId: z.number().int().positive().optional().describe('居民确认或更正的网格（须在位置附近）；不填则按位置确定'),
    followCaseId: z.number().int().positive().optional()
      .describe('居民确认"是同一问题"时填写候选案件编号：不另立案，改为关注该案件并补充本次反映'),
  })
  .meta({ id: 'SubmitReportInput' })
export type SubmitReportInput = z.input<typeof SubmitReportInput>

export const PhotoView = z.object({
  id: z.string(),
  url: z.string().describe('签名链接（绝对地址，只发给有权查看的人，短时有效；过期后重新获取案件即可）'),
})

export const CaseEventView = z
  .object({
    id: z.number().int(),
    kind: CaseEventKind,
    label: z.string(),
    fromStatus: CaseStatus.nullable(),
    toStatus: CaseStatus.nullable(),
    actor: z.object({ displayName: z.string(), role: Role.nullable() }).nullable().describe('系统操作为 null'),
    note: z.string().nullable(),
    photos: z.array(PhotoView),
    createdAt: z.string(),
  })
  .meta({ id: 'CaseEvent' })
export type CaseEventView = z.infer<typeof CaseEventView>

export const CaseView = z
  .object({
    id: z.number().int(),
    number: z.string().describe('案件编号，可电话报读'),
    kind: ReportKind,
    category: z.object({ code: z.string(), name: z.string() }),
    colour: CaseColour,
    status: CaseStatus,
    text: z.string(),
    photos: z.array(PhotoView),
    location: ReportLocation.extend({ datum: z.literal('gcj02') }),
    plate: z.string().nullable(),
    anonymous: z.boolean(),
    reporter: PersonRef.nullable().describe('匿名或保密线索对处置人员隐藏'),
    region: RegionRef.describe('当前承办区域'),
    grid: RegionRef.describe('事发网格'),
    assignee: PersonRef.nullable(),
    occurredAt: z.string(),
    createdAt: z.string(),
    responseDueAt: z.string(),
    resolveDueAt: z.string(),
    overdue: z.boolean(),
    outcome: ResolutionOutcome.nullable(),
    rating: z.object({ satisfied: z.boolean(), comment: z.string().nullable() }).nullable(),
    reopenCount: z.number().int(),
    followers: z.number().int().describe('重复反映并关注此案的人数'),
    relation: z.enum(['reporter', 'follower']).nullable().describe('与当前居民的关系'),
    visibility: z.enum(['full', 'summary'])
      .describe('summary：关注者只看到进度和公开摘要（不含他人的描述、照片和精确位置）'),
    relatedCase: z.object({ id: z.number().int(), number: z.string() }).nullable()
      .describe('可能重复的案件（仅对有权办理两案的人员显示）'),
    actions: z.array(CaseOffer).describe('当前账号此刻可执行的操作（regrade：调整预警等级）'),
  })
  .meta({ id: 'Case' })
export type CaseView = z.infer<typeof CaseView>

export const CaseDetail = CaseView.extend({ timeline: z.array(CaseEventView) }).meta({ id: 'CaseDetail' })
export type CaseDetail = z.infer<typeof CaseDetail>

export const SubmitReportResult = z
  .object({
    case: CaseView,
    duplicate: z.boolean().describe('居民确认与已有案件是同一问题：已改为关注原案件'),
  })
  .meta({ id: 'SubmitReportResult' })
export type SubmitReportResult = z.infer<typeof SubmitReportResult>

const latitude = z.coerce.number().min(3, '位置不在服务范围内').max(54, '位置不在服务范围内')
const longitude = z.coerce.number().min(73, '位置不在服务范围内').max(136, '位置不在服务范围内')

/** Before sending: open cases this report may repeat. */
export const DuplicateCandidateQuery = z.object({
  categoryCode: z.string().trim().min(1, '请选择类别').max(32),
  lat: latitude,
  lng: longitude,
  plate: PlateNumber.optional(),
})

/** What a resident may see of another resident's open case: never its text, photos, address or reporter. */
export const DuplicateCandidate = z
  .object({
    id: z.number().int(),
    number: z.string(),
    category: z.object({ code: z.string(), name: z.string() }),
    status: CaseStatus,
    createdAt: z.string(),
    distanceM: z.number().int().describe('与本次位置的距离，取整到 10 米'),
    followers: z.number().int(),
    region: RegionRef.describe('承办单位'),
  })
  .meta({ id: 'DuplicateCandidate' })
export type DuplicateCandidate = z.infer<typeof DuplicateCandidate>
export const DuplicateCandidateList = z.object({ items: z.array(DuplicateCandidate) }).meta({ id: 'DuplicateCandidateList' })

export const NearbyGridQuery = z.object({ lat: latitude, lng: longitude })

/** A grid near a position, with the community that handles it and its area to draw (GCJ-02 [lat, lng] ring). */
export const NearbyGrid = z
  .object({
    grid: RegionRef,
    community: RegionRef.nullable(),
    inside: z.boolean().describe('位置在该网格范围内'),
    distanceM: z.number().int().describe('位置到网格范围的距离（在范围内为 0）'),
    polygon: z.array(z.tuple([z.number(), z.number()])),
  })
  .meta({ id: 'NearbyGrid' })
export type NearbyGrid = z.infer<typeof NearbyGrid>
export const NearbyGridList = z
  .object({ items: z.array(NearbyGrid).describe('按距离排列，第一个是按位置确定的网格') })
  .meta({ id: 'NearbyGridList' })
export type NearbyGridList = z.infer<typeof NearbyGridList>

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true')

export const CaseListQuery = z.object({
  status: CaseStatus.optional(),
  colour: CaseColour.optional(),
  overdue: booleanQuery.optional(),
  /** The `next` of the previous page: "<created_at ms>_<id>" of its last case. */
  cursor: z.string().regex(/^\d{1,15}_\d{1,12}$/, '翻页参数有误').optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})
export const MyCaseQuery = z.object({
  cursor: z.string().regex(/^\d{1,15}_\d{1,12}$/, '翻页参数有误').optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})
export const CasePage = z.object({ items: z.array(CaseView), next: z.string().nullable() }).meta({ id: 'CasePage' })
export type CasePage = z.infer<typeof CasePage>

const note = z.string().trim().max(500, '说明最多 500 字')
const reason = z.string().trim().min(2, '请填写原因').max(500, '原因最多 500 字')
const photoIds = z.array(z.string().regex(/^[a-f0-9]{32}$/, '照片编号有误')).max(MAX_REPORT_PHOTOS).default([])

/** One body for every case action, told apart by `action`. */
export const CaseActionInput = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('accept'), note: note.optional() }),
    z.object({
      action: z.literal('reject'),
      reason,
      duplicateOf: z.string().trim().regex(/^\d{6}-\d{4}$/, '案件编号有误').optional().describe('重复举报时填原案件编号：并入原案件，已得积分撤回'),
    }),
    z.object({ action: z.literal('dispatch'), assigneeId: z.number().int().positive('请选择网格员'), note: note.optional() }),
    z.object({ action: z.literal('start'), note: note.optional() }),
    z.object({
      action: z.literal('resolve'),
      outcome: ResolutionOutcome,
      note: z.string().trim().min(2, '请填写处置情况').max(500),
      photoIds,
    }),
    z.object({ action: z.literal('verify'), note: note.optional() }),
    z.object({ action: z.literal('escalate'), reason }),
    z.object({ action: z.literal('rate'), satisfied: z.boolean(), comment: note.optional() }),
    z.object({
      action: z.literal('close'),
      note: z.string().trim().min(2, '请填写办结说明').max(500),
      outcome: ResolutionOutcome.optional().describe('综治中心复核办结时如实填写；不填则视为未能解决'),
    }),
  ])
  .meta({ id: 'CaseActionInput' })
export type CaseActionInput = z.input<typeof CaseActionInput>

/** 调整预警等级: the new colour and why; the open deadlines are recomputed from it. */
export const RegradeCaseInput = z
  .object({
    colour: z.enum(CASE_COLOURS, { message: '请选择预警等级（红、黄、绿）' }),
    reason,
  })
  .meta({ id: 'RegradeCaseInput' })
export type RegradeCaseInput = z.input<typeof RegradeCaseInput>

export const UploadView = z
  .object({
    id: z.string(),
    url: z.string(),
    contentType: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    size: z.number().int(),
  })
  .meta({ id: 'Upload' })
export type UploadView = z.infer<typeof UploadView>

export const UploadIdParam = z.object({ id: z.string().regex(/^[a-f0-9]{32}$/, '编号有误') })
export const CaseIdParam = z.object({ id: z.coerce.number().int().positive('编号有误') })

export const GridWorkerList = z
  .object({ items: z.array(PersonRef.extend({ region: RegionRef })) })
  .meta({ id: 'GridWorkerList' })
export type GridWorkerList = z.infer<typeof GridWorkerList>

const slaHours = z.number().int().min(1, '时限至少 1 小时').max(24 * 90, '时限最多 90 天')
const CategoryFields = z.object({
  name: z.string().trim().min(1, '请填写类别名称').max(32),
  colour: CaseColour,
  responseSlaHours: slaHours,
  resolveSlaHours: slaHours,
  routing: z.enum(['grid', 'community', 'street', 'district']),
  requiredFields: z.array(RequiredField).max(REQUIRED_FIELDS.length).default([]),
  confidential: z.boolean().default(false),
  active: z.boolean().default(true),
})
const slaInOrder = (c: { responseSlaHours?: number; resolveSlaHours?: number }) =>
  c.responseSlaHours === undefined || c.resolveSlaHours === undefined || c.responseSlaHours <= c.resolveSlaHours

export const CategoryInput = CategoryFields.extend({
  code: z.string().trim().regex(/^[a-z][a-z0-9_]{1,31}$/, '编码只能使用小写字母、数字和下划线'),
  kind: ReportKind,
})
  .refine(slaInOrder, { message: '受理时限不能长于办结时限', path: ['responseSlaHours'] })
  .meta({ id: 'CategoryInput' })
export const CategoryUpdate = CategoryFields.partial()
  .refine(slaInOrder, { message: '受理时限不能长于办结时限', path: ['responseSlaHours'] })
  .meta({ id: 'CategoryUpdate' })
export const CategoryCodeParam = z.object({ code: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, '编码有误') })
