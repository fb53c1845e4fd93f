import { z } from '../zod'
import { RegionRef } from './users'
import { AwardStatus, PersonRef } from './points'
import { SubmitReportInput } from './cases'

export const PatrolIdParam = z.object({ id: z.coerce.number().int().positive('编号有误') })

const latitude = z.number().min(-90).max(90)
const longitude = z.number().min(-180).max(180)

/** Where the phone was, in GCJ-02 as getLocation answers, with its reported accuracy in metres. */
export const PatrolLocation = z
  .object({ lat: latitude, lng: longitude, accuracy: z.number().min(0).max(100_000).nullable().default(null) })
  .meta({ id: 'PatrolLocation' })

// ——— teams and memberships ———

export const PATROL_MEMBERSHIP_STATUSES = ['applied', 'accepted', 'declined'] as const
export const PatrolMembershipStatus = z.enum(PATROL_MEMBERSHIP_STATUSES)
export type PatrolMembershipStatus = z.infer<typeof PatrolMembershipStatus>
export const PATROL_MEMBERSHIP_STATUS_LABELS: Record<PatrolMembershipStatus, string> = {
  applied: '待审核',
  accepted: '已加入',
  declined: '未通过',
}

export const PATROL_TEAM_ACTIONS = ['apply', 'patrol', 'manage'] as const
export const PatrolTeamView = z
  .object({
    id: z.number().int(),
    name: z.string(),
    region: RegionRef,
    memberCount: z.number().int(),
    /** The caller's own membership, if any. */
    myMembership: PatrolMembershipStatus.nullable(),
    actions: z.array(z.enum(PATROL_TEAM_ACTIONS)),
  })
  .meta({ id: 'PatrolTeam' })
export type PatrolTeamView = z.infer<typeof PatrolTeamView>
export const PatrolTeamList = z.object({ items: z.array(PatrolTeamView) }).meta({ id: 'PatrolTeamList' })

export const PatrolTeamInput = z
  .object({
    regionId: z.number().int().positive('请选择社区'),
    name: z.string().trim().min(2, '队名至少 2 个字').max(64),
  })
  .meta({ id: 'PatrolTeamInput' })

export const PatrolMembershipView = z
  .object({
    id: z.number().int(),
    teamId: z.number().int(),
    teamName: z.string(),
    user: PersonRef,
    status: PatrolMembershipStatus,
    appliedAt: z.string(),
    decidedAt: z.string().nullable(),
  })
  .meta({ id: 'PatrolMembership' })
export type PatrolMembershipView = z.infer<typeof PatrolMembershipView>
export const PatrolMembershipList = z.object({ items: z.array(PatrolMembershipView) }).meta({ id: 'PatrolMembershipList' })
export const PatrolMembershipQuery = z.object({ status: PatrolMembershipStatus.optional() })

// ——— routes and checkpoints ———

export const PatrolCheckpointInput = z.object({
  name: z.string().trim().min(2, '检查点名称至少 2 个字').max(64),
  lat: latitude,
  lng: longitude,
  radiusM: z.number().int().min(10, '签到半径至少 10 米').max(500, '签到半径最多 500 米'),
})

export const PatrolRouteInput = z
  .object({
    name: z.string().trim().min(2, '路线名称至少 2 个字').max(64),
    checkpoints: z.array(PatrolCheckpointInput).min(1, '至少需要 1 个检查点').max(30, '最多 30 个检查点'),
  })
  .meta({ id: 'PatrolRouteInput' })
export type PatrolRouteInput = z.infer<typeof PatrolRouteInput>

export const PatrolCheckpointView = z
  .object({
    id: z.number().int(),
    seq: z.number().int(),
    name: z.string(),
    lat: z.number(),
    lng: z.number(),
    radiusM: z.number().int(),
    /** Staff only: the current token version, the QR code's content and the short code printed under it for typing. */
    tokenVersion: z.number().int().optional(),
    code: z.string().optional(),
    shortCode: z.string().optional().describe('8 位签到编号（如 K7QM-3XPD），不区分大小写和分隔符'),
  })
  .meta({ id: 'PatrolCheckpoint' })
export type PatrolCheckpointView = z.infer<typeof PatrolCheckpointView>

export const PatrolRouteView = z
  .object({ id: z.number().int(), teamId: z.number().int(), name: z.string(), checkpoints: z.array(PatrolCheckpointView) })
  .meta({ id: 'PatrolRoute' })
export type PatrolRouteView = z.infer<typeof PatrolRouteView>
export const PatrolRouteList = z.object({ items: z.array(PatrolRouteView) }).meta({ id: 'PatrolRouteList' })

// ——— patrols ———

export const PATROL_JUDGEMENT_CODES = [
  'NO_TRACK', 'TIME_UNORDERED', 'TIME_IN_FUTURE', 'TIME_OUTSIDE_PATROL', 'TELEPORT', 'TOO_FAST', 'TOO_SHORT',
  'TOO_FEW_CHECKPOINTS', 'REMOTE_SCAN', 'OVERLAP', 'AUTO_CLOSED', 'DAILY_CAP_REACHED',
] as const
export const PatrolJudgementReason = z.object({ code: z.enum(PATROL_JUDGEMENT_CODES), message: z.string() })
export type PatrolJudgementReason = z.infer<typeof PatrolJudgementReason>

export const PatrolJudgement = z
  .object({
    valid: z.boolean(),
    /** Valid and within the daily cap: an award is proposed. */
    rewardable: z.boolean(),
    summary: z.string().describe('给志愿者看的结论，例如「有效巡逻」或「无效巡逻：……」'),
    reasons: z.array(PatrolJudgementReason),
    durationS: z.number().int(),
    distanceM: z.number().int(),
    maxSpeedKmh: z.number(),
    pointCount: z.number().int(),
    checkpointsDone: z.number().int(),
    checkpointsTotal: z.number().int(),
  })
  .meta({ id: 'PatrolJudgement' })
export type PatrolJudgement = z.infer<typeof PatrolJudgement>

export const PATROL_STATUSES = ['running', 'finished'] as const
export const PatrolStatus = z.enum(PATROL_STATUSES)

export const PatrolCheckInView = z
  .object({
    id: z.number().int(),
    checkpointId: z.number().int(),
    checkpointName: z.string(),
    accepted: z.boolean(),
    distanceM: z.number().int(),
    /** Why a check-in did not count, in Chinese; null when it did. */
    message: z.string().nullable(),
    checkedAt: z.string(),
  })
  .meta({ id: 'PatrolCheckIn' })
export type PatrolCheckInView = z.infer<typeof PatrolCheckInView>

/** What a patrol's full view and its line in a list have in common. */
const PatrolBase = z.object({
  id: z.number().int(),
  volunteer: PersonRef,
  team: z.object({ id: z.number().int(), name: z.string() }),
  route: z.object({ id: z.number().int(), name: z.string() }),
  status: PatrolStatus,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  award: z.object({ id: z.string(), status: AwardStatus, points: z.number().int() }).nullable(),
})

export const PatrolView = PatrolBase
  .extend({
    autoClosed: z.boolean(),
    checkpoints: z.array(PatrolCheckpointView.extend({ done: z.boolean() })),
    checkIns: z.array(PatrolCheckInView),
    judgement: PatrolJudgement.nullable(),
    /** Hazards reported from this patrol: the case each opened or joined, and the checkpoint it was near. */
    hazards: z.array(z.object({ caseId: z.number().int(), checkpointId: z.number().int().nullable() })),
    /** The last uploaded batch number, so a phone that lost its state knows where to go on. */
    lastBatchSeq: z.number().int(),
    /** What a valid patrol needs under the server's current settings, so the live page can say what is missing. */
    requirements: z.object({ minDurationMinutes: z.number().int(), minCheckpoints: z.number().int() }),
  })
  .meta({ id: 'Patrol' })
export type PatrolView = z.infer<typeof PatrolView>

export const PatrolSummary = PatrolBase
  .extend({
    durationS: z.number().int().nullable(),
    distanceM: z.number().int().nullable(),
    checkpointsDone: z.number().int(),
    checkpointsTotal: z.number().int(),
    valid: z.boolean().nullable(),
    summary: z.string().nullable(),
  })
  .meta({ id: 'PatrolSummary' })
export type PatrolSummary = z.infer<typeof PatrolSummary>

export const PatrolPage = z.object({ items: z.array(PatrolSummary), next: z.string().nullable() }).meta({ id: 'PatrolPage' })
export const PatrolPageQuery = z.object({
  /** The `next` of the previous page: "<started_at ms>_<id>" of its last patrol. */
  cursor: z.string().regex(/^\d{1,15}_\d{1,12}$/, '翻页参数有误').optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})
export const StaffPatrolQuery = PatrolPageQuery.extend({
  teamId: z.coerce.number().int().positive().optional(),
  valid: z.enum(['true', 'false']).optional(),
})

export const StartPatrolInput = z
  .object({ teamId: z.number().int().positive('请选择队伍'), routeId: z.number().int().positive('请选择路线'), location: PatrolLocation })
  .meta({ id: 'StartPatrolInput' })

export const PatrolTrackPointInput = z.object({
  t: z.number().int().positive().describe('手机时间，毫秒'),
  lat: latitude,
  lng: longitude,
  acc: z.number().min(0).max(100_000).nullable().default(null),
})
export const TrackBatchInput = z
  .object({
    batchSeq: z.number().int().min(1).max(100_000).describe('本次巡逻内从 1 起的批次号；重发同一批次不会重复记录'),
    points: z.array(PatrolTrackPointInput).min(1).max(720),
  })
  .meta({ id: 'TrackBatchInput' })
export type TrackBatchInput = z.infer<typeof TrackBatchInput>
export const TrackBatchResult = z
  .object({ batchSeq: z.number().int(), pointCount: z.number().int(), duplicate: z.boolean() })
  .meta({ id: 'TrackBatchResult' })

export const PatrolCheckInInput = z
  .object({
    code: z.string().trim().min(1, '请扫描检查点二维码或输入签到编号').max(200).describe('二维码的内容，或二维码下方的 8 位签到编号'),
    location: PatrolLocation,
  })
  .meta({ id: 'PatrolCheckInInput' })

export const PatrolHazardInput = z
  .object({
    report: SubmitReportInput.refine((r) => r.kind === 'hazard', { message: '巡逻中只能上报隐患', path: ['kind'] }),
    checkpointId: z.number().int().positive().nullable().default(null).describe('发现隐患时所在的检查点'),
  })
  .meta({ id: 'PatrolHazardInput' })
export const PatrolHazardResult = z
  .object({
    patrolId: z.number().int(),
    caseId: z.number().int(),
    checkpointId: z.number().int().nullable(),
    duplicate: z.boolean().describe('上报人确认是已有案件的同一问题（followCaseId）时为 true：补充到该案件'),
  })
  .meta({ id: 'PatrolHazardResult' })

export const PatrolTrack = z
  .object({
    patrolId: z.number().int(),
    datum: z.literal('gcj02'),
    points: z.array(z.object({ t: z.number().int(), lat: z.number(), lng: z.number(), acc: z.number().nullable() })),
  })
  .meta({ id: 'PatrolTrack' })

export const CurrentPatrol = z.object({ patrol: PatrolView.nullable() }).meta({ id: 'CurrentPatrol' })

// ——— ranking and coverage ———

export const PatrolRankingQuery = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式为 2026-11').optional() })
export const PatrolTeamRanking = z
  .object({
    teamId: z.number().int(),
    month: z.string(),
    items: z.array(
      z.object({
        rank: z.number().int(),
        volunteer: PersonRef,
        patrols: z.number().int(),
        hours: z.number(),
        checkpoints: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'PatrolTeamRanking' })

export const PatrolRouteCoverage = z
  .object({
    routeId: z.number().int(),
    checkpoints: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        visitsToday: z.number().int(),
        visitsThisWeek: z.number().int(),
        lastVisitAt: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'PatrolRouteCoverage' })
