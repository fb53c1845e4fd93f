import { AWARD_STATUS_LABELS, type PatrolSummary } from '@anju/shared'

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const pad = (n: number) => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`
}

export function formatDistance(metres: number | null): string {
  if (metres == null) return '—'
  return metres >= 1000 ? `${(metres / 1000).toFixed(2)} 公里` : `${Math.round(metres)} 米`
}

export function formatDate(iso: string): string {
  const d = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getMonth() + 1}月${d.getDate()}日 ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

export const LIVE_PAGE = '/packages/patrol/pages/live/index'
export const RECORD_PAGE = '/packages/patrol/pages/record/index'
export const RECORDS_PAGE = '/packages/patrol/pages/records/index'
export const RANKING_PAGE = '/packages/patrol/pages/ranking/index'

export function awardText(p: Pick<PatrolSummary, 'award'>): string {
  return p.award ? `${p.award.points} 积分（${AWARD_STATUS_LABELS[p.award.status]}）` : '无积分'
}
