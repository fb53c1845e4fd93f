import type { SubmitReportInput, TrackBatchInput } from '@anju/shared'
import type { z } from 'zod'
import { proposeAward } from '../awards'
import type { Config } from '../config'
import type { Trx } from '../db/knex'
import { isUniqueViolation } from '../db/transaction'
import { errors } from '../errors'
import { chinaDayStart } from '../lib/chinaTime'
import { matchShortCode, normaliseShortCode, parseCheckpointToken, verifyCheckpointToken } from '../patrols/checkpointTokens'
import { withinCheckpointRadius } from '../patrols/geo'
import { judgePatrol } from '../patrols/judge'
import { noticePatrolJudged } from './residentNotices'
import { submitReport } from './submitReport'
import { decodeTrack, encodeTrack, type TrackPoint } from '../patrols/trackCodec'
import type { Actor } from '../policies'
import { checkInsRepo, patrolHazardsRepo, patrolsRepo, patrolTracksRepo, type PatrolRow } from '../repositories/patrols'
import { membershipsRepo, patrolRoutesRepo, patrolTeamsRepo, type CheckpointRow } from '../repositories/patrolTeams'
import { consentsRepo } from '../repositories/consents'

type PatrolConfig = Config['patrol']
type Location = { lat: number; lng: number; accuracy: number | null }

const DAY_MS = 24 * 60 * 60 * 1000

/** The running patrol `patrolId` of `actor`, locked; another's reads as not found. */
async function ownRunningPatrol(trx: Trx, actor: Actor, patrolId: number): Promise<PatrolRow> {
  const patrol = await patrolsRepo.lock(trx, patrolId)
  if (!patrol || patrol.user_id !== actor.id) throw errors.notFound()
  if (patrol.status !== 'running') throw errors.patrolNotRunning()
  return patrol
}

/** An accepted volunteer of the team starts on one of its routes; one patrol at a time. */
export async function startPatrol({
  trx, actor, input, now,
}: { trx: Trx; actor: Actor; input: { teamId: number; routeId: number; location: Location }; now: Date }): Promise<number> {
  const team = await patrolTeamsRepo.findById(trx, input.teamId)
  const membership = team && (await membershipsRepo.find(trx, team.id, actor.id))
  if (!team || membership?.status !== 'accepted') throw errors.patrolNotMember()
  // Tracking where a volunteer walks needs its own consent, given once and kept here (asked on the start page).
  if (!(await consentsRepo.find(trx, actor.id, 'patrol_location'))) throw errors.consentRequired({ kind: 'patrol_location' })
  const route = await patrolRoutesRepo.findById(trx, input.routeId)
  if (!route || route.team_id !== team.id) throw errors.notFound()
  const running = await patrolsRepo.runningOf(trx, actor.id)
  if (running) throw errors.patrolAlreadyRunning({ patrolId: running.id })
  const checkpoints = await patrolRoutesRepo.checkpointsOf(trx, [route.id])
  try {
    return await patrolsRepo.insert(trx, {
      userId: actor.id, teamId: team.id, routeId: route.id, regionId: team.region_id,
      lat: input.location.lat, lng: input.location.lng, accuracy: input.location.accuracy,
      startedAt: now, checkpointsTotal: checkpoints.length,
    })
  } catch (err) {
    // Two phones started at once: the running_user_id unique key let one through.
    if (isUniqueViolation(err)) throw errors.patrolAlreadyRunning()
    throw err
  }
}

/**
 * Stores one batch of track points. The batch number is the key: a batch sent again (the phone did not hear
 * the answer) is a no-op, whether the patrol is still running or already judged.
 */
export async function uploadTrackBatch({
  trx, actor, patrolId, input, now,
}: { trx: Trx; actor: Actor; patrolId: number; input: TrackBatchInput; now: Date }) {
  // Locked like finish locks it: a batch is either in before the patrol is folded and judged, or refused after.
  const patrol = await patrolsRepo.lock(trx, patrolId)
  if (!patrol || patrol.user_id !== actor.id) throw errors.notFound()
  const points = encodeTrack(input.points)
  const answer = { batchSeq: input.batchSeq, pointCount: input.points.length }
  if (patrol.status !== 'running') {
    const track = await patrolTracksRepo.findTrack(trx, patrol.id)
    if (track && input.batchSeq <= track.last_batch_seq) return { ...answer, duplicate: true }
    throw errors.patrolNotRunning()
  }
  const sameAsStored = async () => {
    const stored = await patrolTracksRepo.findBatch(trx, patrol.id, input.batchSeq)
    if (!stored) return false
    if (!Buffer.from(stored.points).equals(points)) throw errors.patrolTrackBatchConflict()
    return true
  }
  if (await sameAsStored()) return { ...answer, duplicate: true }
  try {
    await patrolTracksRepo.insertBatch(trx, { patrolId: patrol.id, batchSeq: input.batchSeq, pointCount: input.points.length, points, receivedAt: now })
  } catch (err) {
    if (isUniqueViolation(err) && (await sameAsStored())) return { ...answer, duplicate: true }
    throw err
  }
  return { ...answer, duplicate: false }
}

/**
 * The checkpoint a code names, checked: the QR code's full token, or the short code printed under it and typed
 * by hand (matched against the current codes of the patrol's own route). Anything forged, retired by a
 * rotation or for another route is refused.
 */
async function checkpointOfCode(trx: Trx, patrol: PatrolRow, code: string, tokenSecret: string): Promise<CheckpointRow> {
  const claimed = parseCheckpointToken(code)
  if (!claimed) {
    const typed = normaliseShortCode(code)
    if (!typed) throw errors.patrolCodeInvalid()
    const onRoute = await patrolRoutesRepo.checkpointsOf(trx, [patrol.route_id])
    const subjects = onRoute.map((c) => ({ checkpointId: c.id, tokenVersion: c.token_version, tokenSalt: c.token_salt, checkpoint: c }))
    const match = matchShortCode(tokenSecret, typed, subjects)
    if (!match) throw errors.patrolShortCodeInvalid()
    return match.checkpoint
  }
  const checkpoint = await patrolRoutesRepo.findCheckpoint(trx, claimed.checkpointId)
  if (!checkpoint || claimed.tokenVersion > checkpoint.token_version) throw errors.patrolCodeInvalid()
  if (claimed.tokenVersion < checkpoint.token_version) throw errors.patrolCodeRetired()
  const subject = { checkpointId: checkpoint.id, tokenVersion: checkpoint.token_version, tokenSalt: checkpoint.token_salt }
  if (!verifyCheckpointToken(tokenSecret, code, subject)) throw errors.patrolCodeInvalid()
  if (checkpoint.route_id !== patrol.route_id) throw errors.patrolCheckpointNotOnRoute()
  return checkpoint
}

/**
 * A scanned (or typed) checkpoint code. A code that is not ours, forged, retired by a rotation or for another
 * route is refused and nothing is stored. A genuine code scanned too far away is stored as a refused check-in:
 * a code photographed and replayed elsewhere leaves a trace the judgement reads.
 */
export async function checkInAtCheckpoint({
  trx, actor, patrolId, code, location, now, tokenSecret,
}: { trx: Trx; actor: Actor; patrolId: number; code: string; location: Location; now: Date; tokenSecret: string }): Promise<number> {
  const patrol = await ownRunningPatrol(trx, actor, patrolId)
  const checkpoint = await checkpointOfCode(trx, patrol, code, tokenSecret)

  const earlier = (await checkInsRepo.ofPatrol(trx, patrol.id)).find((c) => c.checkpoint_id === checkpoint.id && c.accepted)
  if (earlier) return earlier.id
  const { within, distanceM } = withinCheckpointRadius(
    { lat: location.lat, lng: location.lng, accuracyM: location.accuracy },
    { lat: checkpoint.lat, lng: checkpoint.lng, radiusM: checkpoint.radius_m },
  )
  const checkInId = await checkInsRepo.insert(trx, {
    patrol_id: patrol.id, checkpoint_id: checkpoint.id, lat: location.lat, lng: location.lng, accuracy: location.accuracy,
    distance_m: Math.round(distanceM), token_version: checkpoint.token_version, token_current: true,
    within_radius: within, accepted: within, checked_at: now,
  })
  if (within) await patrolsRepo.setCheckpointsDone(trx, patrol.id, patrol.checkpoints_done + 1)
  return checkInId
}

/**
 * A hazard spotted on patrol goes through the one door in (submitReport: a new case, or the open case the
 * volunteer says it repeats) and is linked to the patrol and the checkpoint it was near, in the same transaction.
 */
export async function reportHazardOnPatrol({
  trx, actor, patrolId, report, checkpointId, limits, now,
}: {
  trx: Trx; actor: Actor; patrolId: number; report: z.output<typeof SubmitReportInput>; checkpointId: number | null
  limits: Config['gridLoop']; now: Date
}) {
  const patrol = await ownRunningPatrol(trx, actor, patrolId)
  if (checkpointId !== null) {
    const checkpoint = await patrolRoutesRepo.findCheckpoint(trx, checkpointId)
    if (!checkpoint || checkpoint.route_id !== patrol.route_id) throw errors.patrolCheckpointNotOnRoute()
  }
  const { caseId, duplicate } = await submitReport({ trx, actor, input: report, limits, now })
  await patrolHazardsRepo.link(trx, { patrolId: patrol.id, caseId, checkpointId, now })
  return { patrolId: patrol.id, caseId, checkpointId, duplicate }
}

/** When an abandoned patrol really ended: its last sign of life, never later than now. */
function lastActivity(patrol: PatrolRow, points: TrackPoint[], checkIns: { checked_at: Date }[], now: Date): Date {
  const times = [patrol.started_at.getTime(), ...points.map((p) => p.t), ...checkIns.map((c) => c.checked_at.getTime())]
  return new Date(Math.min(Math.max(...times), now.getTime()))
}

/**
 * Ends a patrol and judges it: folds its batches into one compact track, stores the judgement with its
 * reasons and, for a valid patrol within the daily cap, proposes the award (idempotent by patrol id).
 * The caller holds the patrol's row lock.
 */
async function closeAndJudge(
  trx: Trx,
  patrol: PatrolRow,
  { now, autoClosed, rules }: { now: Date; autoClosed: boolean; rules: PatrolConfig },
) {
  const batches = await patrolTracksRepo.batchesOf(trx, patrol.id)
  const decoded = batches.map((b) => ({ receivedAt: b.received_at, points: decodeTrack(b.points) }))
  const points = decoded.flatMap((b) => b.points)
  const checkIns = await checkInsRepo.ofPatrol(trx, patrol.id)
  const endedAt = autoClosed ? lastActivity(patrol, points, checkIns, now) : now
  const checkpoints = await patrolRoutesRepo.checkpointsOf(trx, [patrol.route_id])
  const others = await patrolsRepo.othersAround(trx, patrol.user_id, patrol.id, patrol.started_at, endedAt)
  const dayStart = chinaDayStart(patrol.started_at)
  const rewardedToday = await patrolsRepo.rewardedBetween(trx, patrol.user_id, dayStart, new Date(dayStart.getTime() + DAY_MS))

  const judgement = judgePatrol(
    {
      startedAt: patrol.started_at, endedAt, endReason: autoClosed ? 'auto_closed' : 'finished', batches: decoded,
      checkpoints: checkpoints.map((c) => ({ id: c.id, name: c.name })),
      checkIns: checkIns.map((c) => ({ checkpointId: c.checkpoint_id, distanceM: c.distance_m, withinRadius: c.within_radius, tokenCurrent: c.token_current })),
      otherPatrols: others.map((o) => ({ id: o.id, startedAt: o.started_at, endedAt: o.ended_at })),
      rewardedToday,
    },
    rules,
  )

  await patrolTracksRepo.fold(trx, {
    patrolId: patrol.id, pointCount: points.length, lastBatchSeq: batches.at(-1)?.batch_seq ?? 0, points: encodeTrack(points),
  })
  // Told before any award it earns, so the volunteer reads the verdict first.
  await noticePatrolJudged(trx, {
    id: patrol.id, userId: patrol.user_id, valid: judgement.valid, durationS: judgement.durationS, distanceM: judgement.distanceM,
    reasons: judgement.valid ? [] : judgement.reasons.map((r) => r.message),
  }, now)
  let rewarded = false
  if (judgement.rewardable) {
    const award = await proposeAward(trx, {
      userId: patrol.user_id, regionId: patrol.region_id, kind: 'patrol',
      source: { type: 'patrol', id: String(patrol.id) }, proposedBy: null, reason: '有效巡逻', now,
    })
    rewarded = award.status !== 'no_rule'
  }
  const finished = await patrolsRepo.finish(trx, patrol.id, {
    endedAt, autoClosed, checkpointsDone: judgement.checkpointsDone, durationS: judgement.durationS,
    distanceM: judgement.distanceM, valid: judgement.valid, rewarded, judgement: JSON.stringify(judgement),
  })
  if (!finished) throw errors.patrolNotRunning()
  return judgement
}

/** The volunteer taps 结束巡逻. */
export async function finishPatrol({
  trx, actor, patrolId, now, rules,
}: { trx: Trx; actor: Actor; patrolId: number; now: Date; rules: PatrolConfig }) {
  const patrol = await ownRunningPatrol(trx, actor, patrolId)
  return closeAndJudge(trx, patrol, { now, autoClosed: false, rules })
}

/** Closes a patrol left running past the configured hours; a no-op when it has been finished meanwhile. */
export async function closeStalePatrol({ trx, patrolId, now, rules }: { trx: Trx; patrolId: number; now: Date; rules: PatrolConfig }) {
  const patrol = await patrolsRepo.lock(trx, patrolId)
  if (!patrol || patrol.status !== 'running') return null
  if (now.getTime() - patrol.started_at.getTime() < rules.staleHours * 60 * 60 * 1000) return null
  return closeAndJudge(trx, patrol, { now, autoClosed: true, rules })
}
