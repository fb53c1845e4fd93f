import {
  PatrolJudgement, type PatrolCheckInView, type PatrolCheckpointView, type PatrolMembershipView, type PatrolRouteView,
  type PatrolSummary, type PatrolView,
} from '@anju/shared'
import { checkpointShortCode, checkpointToken, formatShortCode } from '../patrols/checkpointTokens'
import type { AwardRow } from '../repositories/awards'
import type { CheckInRow, PatrolRow } from '../repositories/patrols'
import type { CheckpointRow, MembershipRow, PatrolRouteRow } from '../repositories/patrolTeams'
import { isoTime } from './index'

type Named = { id: number; name: string }
type Person = { id: number; displayName: string }

/** Staff also get the token version and the codes to print; volunteers never see codes. */
export function presentCheckpoint(row: CheckpointRow, withCode: { tokenSecret: string } | null): PatrolCheckpointView {
  const view: PatrolCheckpointView = { id: row.id, seq: row.seq, name: row.name, lat: row.lat, lng: row.lng, radiusM: row.radius_m }
  if (withCode) {
    const subject = { checkpointId: row.id, tokenVersion: row.token_version, tokenSalt: row.token_salt }
    view.tokenVersion = row.token_version
    view.code = checkpointToken(withCode.tokenSecret, subject)
    view.shortCode = formatShortCode(checkpointShortCode(withCode.tokenSecret, subject))
  }
  return view
}

export function presentRoute(route: PatrolRouteRow, checkpoints: CheckpointRow[], withCode: { tokenSecret: string } | null): PatrolRouteView {
  return {
    id: route.id, teamId: route.team_id, name: route.name,
    checkpoints: checkpoints.filter((c) => c.route_id === route.id).map((c) => presentCheckpoint(c, withCode)),
  }
}

export function presentMembership(row: MembershipRow, team: Named, user: Person): PatrolMembershipView {
  return {
    id: row.id, teamId: team.id, teamName: team.name, user, status: row.status,
    appliedAt: isoTime(row.created_at), decidedAt: row.decided_at ? isoTime(row.decided_at) : null,
  }
}

export function judgementOf(row: PatrolRow): PatrolJudgement | null {
  return row.judgement ? PatrolJudgement.parse(JSON.parse(row.judgement)) : null
}

const awardRef = (award: AwardRow | undefined) =>
  award ? { id: award.id, status: award.status, points: award.granted_points ?? award.points } : null

export function presentCheckIn(row: CheckInRow, checkpoint: CheckpointRow | undefined): PatrolCheckInView {
  const message = row.accepted
    ? null
    : `距检查点约 ${row.distance_m} 米，超出签到范围（${checkpoint?.radius_m ?? '?'} 米），请走近后再扫码`
  return {
    id: row.id, checkpointId: row.checkpoint_id, checkpointName: checkpoint?.name ?? '', accepted: row.accepted,
    distanceM: row.distance_m, message, checkedAt: isoTime(row.checked_at),
  }
}

export function presentPatrol(parts: {
  patrol: PatrolRow; volunteer: Person; team: Named; route: Named; checkpoints: CheckpointRow[]; checkIns: CheckInRow[];
  award: AwardRow | undefined; lastBatchSeq: number; hazards: PatrolView['hazards']; requirements: PatrolView['requirements']
}): PatrolView {
  const { patrol } = parts
  const done = new Set(parts.checkIns.filter((c) => c.accepted).map((c) => c.checkpoint_id))
  const byId = new Map(parts.checkpoints.map((c) => [c.id, c]))
  return {
    id: patrol.id, volunteer: parts.volunteer, team: parts.team, route: parts.route, status: patrol.status,
    startedAt: isoTime(patrol.started_at), endedAt: patrol.ended_at ? isoTime(patrol.ended_at) : null,
    autoClosed: patrol.auto_closed,
    checkpoints: parts.checkpoints.map((c) => ({ ...presentCheckpoint(c, null), done: done.has(c.id) })),
    checkIns: parts.checkIns.map((c) => presentCheckIn(c, byId.get(c.checkpoint_id))),
    judgement: judgementOf(patrol),
    award: awardRef(parts.award),
    hazards: parts.hazards,
    lastBatchSeq: parts.lastBatchSeq,
    requirements: parts.requirements,
  }
}

export function presentPatrolSummary(patrol: PatrolRow, volunteer: Person, team: Named, route: Named, award: AwardRow | undefined): PatrolSummary {
  const judgement = judgementOf(patrol)
  return {
    id: patrol.id, volunteer, team, route, status: patrol.status,
    startedAt: isoTime(patrol.started_at), endedAt: patrol.ended_at ? isoTime(patrol.ended_at) : null,
    durationS: patrol.duration_s, distanceM: patrol.distance_m,
    checkpointsDone: patrol.checkpoints_done, checkpointsTotal: patrol.checkpoints_total,
    valid: patrol.valid, summary: judgement?.summary ?? null, award: awardRef(award),
  }
}
