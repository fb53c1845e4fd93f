import type { PatrolView } from '@anju/shared'

/**
 * What a running patrol still lacks to be judged valid, by the thresholds the server sent with it (its
 * `requirements`): minutes left to walk, checkpoints left to check in at, and whether any track has been kept.
 * The server judges speed and times too; these are the things a volunteer can still do something about.
 */
export interface Shortfall {
  minutes: number
  checkpoints: number
  /** Fewer than two fixes kept: the server would find no track. */
  noTrack: boolean
}

export function shortfallOf(
  patrol: Pick<PatrolView, 'startedAt' | 'checkpoints' | 'requirements'>,
  { now, fixesKept }: { now: number; fixesKept: number },
): Shortfall {
  const elapsedS = Math.max(0, (now - new Date(patrol.startedAt).getTime()) / 1000)
  const done = patrol.checkpoints.filter((c) => c.done).length
  return {
    minutes: Math.max(0, Math.ceil((patrol.requirements.minDurationMinutes * 60 - elapsedS) / 60)),
    checkpoints: Math.max(0, patrol.requirements.minCheckpoints - done),
    noTrack: fixesKept < 2,
  }
}

/** '再巡逻 12 分钟、再签到 2 个检查点', or null when nothing is missing. */
export function shortfallText(s: Shortfall): string | null {
  const parts = [
    s.minutes > 0 ? `再巡逻 ${s.minutes} 分钟` : null,
    s.checkpoints > 0 ? `再签到 ${s.checkpoints} 个检查点` : null,
    s.noTrack ? '记录到巡逻轨迹（请允许使用位置信息）' : null,
  ].filter(Boolean)
  return parts.length ? parts.join('、') : null
}

/** The finish confirmation: a warning when the patrol would be judged invalid. */
export function finishConfirmation(s: Shortfall): string {
  const missing = shortfallText(s)
  return missing
    ? `有效巡逻还需${missing}。现在结束将判定为无效巡逻，不能获得积分。确定结束吗？`
    : '已满足有效巡逻的要求。结束后将提交轨迹并判定本次巡逻，确定结束吗？'
}
