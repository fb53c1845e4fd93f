import { z } from '../zod'
import { CaseStatus } from '../caseMachine'
import { Role } from '../roles'
import { PhotoView, ReportKind } from './cases'
import { PointsEntry } from './points'
import { RegionRef } from './users'

/**
 * Consents asked once and kept on the server. `patrol_location`: recording the volunteer's position while a
 * patrol runs (asked on the patrol start page, apart from the mini program's privacy agreement).
 */
export const CONSENT_KINDS = ['patrol_location'] as const
export const ConsentKind = z.enum(CONSENT_KINDS)
export type ConsentKind = z.infer<typeof ConsentKind>
export const CONSENT_LABELS: Record<ConsentKind, string> = {
  patrol_location: '巡逻期间记录位置轨迹',
}

export const ConsentView = z.object({ kind: ConsentKind, grantedAt: z.string() }).meta({ id: 'Consent' })
export type ConsentView = z.infer<typeof ConsentView>
export const ConsentList = z.object({ items: z.array(ConsentView) }).meta({ id: 'ConsentList' })
export const SetConsentInput = z
  .object({
    kind: ConsentKind,
    granted: z.boolean().describe('true 同意；false 撤回（之后需要时会再次询问）'),
  })
  .meta({ id: 'SetConsentInput' })

/** Closing (注销) is asked for in so many words, so a stray tap or a replayed request cannot do it. */
export const CloseAccountInput = z
  .object({ confirm: z.literal('注销账号', { error: '请输入“注销账号”以确认' }) })
  .meta({ id: 'CloseAccountInput' })
export const CloseAccountResult = z.object({ closedAt: z.string() }).meta({ id: 'CloseAccountResult' })

/** Everything we hold about the signed-in resident, in one JSON document (个人信息查阅、复制). */
export const MyDataExport = z
  .object({
    exportedAt: z.string(),
    account: z.object({
      id: z.number().int(),
      displayName: z.string(),
      role: Role,
      region: RegionRef.nullable().describe('所在社区'),
      createdAt: z.string(),
    }),
    retention: z
      .object({ patrolTrackDays: z.number().int(), uploadOriginalDays: z.number().int() })
      .describe('巡逻轨迹、照片原图（含拍摄信息）的保存天数'),
    consents: z.array(ConsentView),
    reports: z.array(z.object({
      number: z.string(),
      kind: ReportKind,
      category: z.string(),
      status: CaseStatus,
      text: z.string(),
      address: z.string(),
      location: z.object({ lat: z.number(), lng: z.number(), datum: z.literal('gcj02') }),
      plate: z.string().nullable(),
      anonymous: z.boolean(),
      publicPhotos: z.boolean(),
      photos: z.array(PhotoView),
      occurredAt: z.string(),
      createdAt: z.string(),
    })).describe('我提交的诉求、举报和线索'),
    following: z.array(z.object({ number: z.string(), status: CaseStatus, since: z.string() })).describe('我关注（重复提交并入）的案件'),
    patrolTeams: z.array(z.object({ team: z.string(), status: z.string(), since: z.string() })),
    patrols: z.array(z.object({
      id: z.number().int(),
      team: z.string(),
      route: z.string(),
      status: z.string(),
      startedAt: z.string(),
      endedAt: z.string().nullable(),
      valid: z.boolean().nullable(),
      distanceM: z.number().int().nullable(),
      track: z.array(z.object({ t: z.string(), lat: z.number(), lng: z.number() })).describe('位置轨迹（GCJ-02）；超过保存期限后为空'),
      trackDeletedAt: z.string().nullable(),
    })),
    points: z.object({ balance: z.number().int(), entries: z.array(PointsEntry) }),
    redemptions: z.array(z.object({ reward: z.string(), status: z.string(), points: z.number().int(), createdAt: z.string() })),
    notices: z.array(z.object({ title: z.string(), body: z.string(), createdAt: z.string() })),
  })
  .meta({ id: 'MyDataExport' })
export type MyDataExport = z.infer<typeof MyDataExport>
