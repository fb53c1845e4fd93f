/**
 * Judges a patrol from what was recorded: a pure function of the facts, so the rules are tested without a
 * database and a patrol is judged the same way on finish and when the stale-patrol job closes it.
 */
import type { PatrolJudgementReason as JudgementReason, PatrolJudgement } from '@anju/shared'
import { haversineMetres, spansOverlap } from './geo'
import type { TrackPoint } from './trackCodec'

export interface JudgeRules {
  /** Fastest plausible speed between two points: walking or cycling. */
  maxSpeedKmh: number
  minDurationMinutes: number
  /** Share of the route's checkpoints that must be checked in, 0–1. */
  minCheckpointShare: number
  /** Rewarded patrols per volunteer per (China) day. */
  dailyRewardCap: number
}

export interface JudgeFacts {
  startedAt: Date
  endedAt: Date
  endReason: 'finished' | 'auto_closed'
  /** The uploaded batches in sequence order, each with the server's time of receipt. */
  batches: { receivedAt: Date; points: TrackPoint[] }[]
  checkpoints: { id: number; name: string }[]
  checkIns: {
    checkpointId: number
    distanceM: number
    withinRadius: boolean
    /** The code carried the checkpoint's current token when scanned. */
    tokenCurrent: boolean
  }[]
  /** The volunteer's other patrols, to find overlaps. */
  otherPatrols: { id: number; startedAt: Date; endedAt: Date | null }[]
  /** Patrols of this volunteer already rewarded the same day. */
  rewardedToday: number
}

/** A phone clock may run a little ahead of ours. */
export const CLOCK_SKEW_MS = 60_000
/** A jump this long between two points is not GPS noise. */
export const TELEPORT_METRES = 500
/** Over-speed distance tolerated in all (a few bad fixes), before the patrol counts as ridden in a vehicle. */
export const FAST_DISTANCE_TOLERANCE_M = 200
/** GPS error we forgive between two fixes. */
export const SPEED_ACCURACY_CREDIT_M = 25
/** Nobody scans a printed code from this far away: the code was photographed and replayed. */
export const REMOTE_SCAN_METRES = 1000

const km = (metres: number) => (metres >= 1000 ? `${(metres / 1000).toFixed(1)} 公里` : `${Math.round(metres)} 米`)

/**
 * Checkpoints a valid patrol must check in at, of `total`. The share is a decimal fraction, so 10 × 0.7 comes
 * out as 7.000000000000001 in floating point: round that away before rounding up.
 */
export function requiredCheckpoints(total: number, share: number): number {
  return Math.ceil(Number((total * share).toFixed(6)))
}

function reason(code: JudgementReason['code'], message: string): JudgementReason {
  return { code, message }
}

/** Plausible movement: the fastest leg, teleports and sustained vehicle speed. */
function movement(points: TrackPoint[], maxSpeedKmh: number) {
  const maxMps = maxSpeedKmh / 3.6
  let distanceM = 0
  let maxSpeedMps = 0
  let fastDistanceM = 0
  let teleport: { metres: number; seconds: number } | null = null
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!
    const b = points[i]!
    const metres = haversineMetres(a, b)
    distanceM += metres
    // Times are kept to the second (and sorted), so two fixes in one second are a second apart at most.
    const seconds = Math.max((b.t - a.t) / 1000, 1)
    const credit = Math.min(((a.acc ?? 0) + (b.acc ?? 0)) / 2, SPEED_ACCURACY_CREDIT_M)
    const effective = Math.max(0, metres - credit)
    const speed = effective / seconds
    maxSpeedMps = Math.max(maxSpeedMps, speed)
    if (speed > maxMps) {
      // A jump out and back is one teleport: both legs count there, not as vehicle distance.
      if (metres > TELEPORT_METRES) {
        if (!teleport || metres > teleport.metres) teleport = { metres, seconds }
      } else fastDistanceM += metres
    }
  }
  return { distanceM, maxSpeedMps, fastDistanceM, teleport }
}

export function judgePatrol(facts: JudgeFacts, rules: JudgeRules): PatrolJudgement {
  const reasons: JudgementReason[] = []
  const notes: JudgementReason[] = []
  const points = facts.batches.flatMap((b) => b.points)
  const start = facts.startedAt.getTime()
  const end = facts.endedAt.getTime()

  // Times: in order, never ahead of when the server received them, inside the patrol.
  const unordered = points.findIndex((p, i) => i > 0 && p.t < points[i - 1]!.t)
  if (unordered >= 0) reasons.push(reason('TIME_UNORDERED', '轨迹时间顺序错乱'))
  const future = facts.batches.some((b) => b.points.some((p) => p.t > b.receivedAt.getTime() + CLOCK_SKEW_MS))
  if (future) reasons.push(reason('TIME_IN_FUTURE', '轨迹时间晚于上传时间，手机时间可能被修改'))
  if (points.some((p) => p.t < start - CLOCK_SKEW_MS || p.t > end + CLOCK_SKEW_MS)) {
    reasons.push(reason('TIME_OUTSIDE_PATROL', '部分轨迹点不在巡逻时间内'))
  }

  const ordered = [...points].sort((a, b) => a.t - b.t)
  const move = movement(ordered, rules.maxSpeedKmh)
  if (points.length < 2) reasons.push(reason('NO_TRACK', '没有收到巡逻轨迹'))
  if (move.teleport) {
    reasons.push(reason('TELEPORT', `轨迹在 ${Math.round(move.teleport.seconds)} 秒内跳跃了 ${km(move.teleport.metres)}，位置不可信`))
  }
  if (move.fastDistanceM > FAST_DISTANCE_TOLERANCE_M) {
    reasons.push(
      reason('TOO_FAST', `有 ${km(move.fastDistanceM)} 的行进速度超过每小时 ${rules.maxSpeedKmh} 公里，不像步行或骑行`),
    )
  }

  const durationS = Math.max(0, Math.round((end - start) / 1000))
  if (durationS < rules.minDurationMinutes * 60) {
    reasons.push(reason('TOO_SHORT', `巡逻时长 ${Math.floor(durationS / 60)} 分钟，不足 ${rules.minDurationMinutes} 分钟`))
  }

  const done = new Set(facts.checkIns.filter((c) => c.withinRadius && c.tokenCurrent).map((c) => c.checkpointId))
  const total = facts.checkpoints.length
  const required = requiredCheckpoints(total, rules.minCheckpointShare)
  if (done.size < required) {
    reasons.push(reason('TOO_FEW_CHECKPOINTS', `签到了 ${done.size}/${total} 个检查点，至少需要 ${required} 个`))
  }
  const remote = facts.checkIns.filter((c) => c.distanceM > REMOTE_SCAN_METRES)
  if (remote.length) {
    const worst = remote.reduce((a, b) => (b.distanceM > a.distanceM ? b : a))
    const name = facts.checkpoints.find((c) => c.id === worst.checkpointId)?.name ?? ''
    reasons.push(reason('REMOTE_SCAN', `在距检查点「${name}」${km(worst.distanceM)}处扫码，疑似翻拍二维码`))
  }

  const overlapping = facts.otherPatrols.find((o) =>
    spansOverlap({ start: facts.startedAt, end: facts.endedAt }, { start: o.startedAt, end: o.endedAt }),
  )
  if (overlapping) reasons.push(reason('OVERLAP', `与本人另一次巡逻（编号 ${overlapping.id}）时间重叠`))

  if (facts.endReason === 'auto_closed') notes.push(reason('AUTO_CLOSED', '巡逻未手动结束，系统已按最后一次定位自动结束'))
  const valid = reasons.length === 0
  const rewardable = valid && facts.rewardedToday < rules.dailyRewardCap
  if (valid && !rewardable) {
    notes.push(reason('DAILY_CAP_REACHED', `今日已有 ${facts.rewardedToday} 次巡逻获得积分，本次不再奖励`))
  }
  return {
    valid,
    rewardable,
    summary: valid ? '有效巡逻' : `无效巡逻：${reasons.map((r) => r.message).join('；')}`,
    reasons: [...reasons, ...notes],
    durationS,
    distanceM: Math.round(move.distanceM),
    maxSpeedKmh: Math.round(move.maxSpeedMps * 3.6 * 10) / 10,
    pointCount: points.length,
    checkpointsDone: done.size,
    checkpointsTotal: total,
  }
}
