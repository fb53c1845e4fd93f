/** Display helpers shared by the points tab and the mall and workbench sub-packages. Kept tiny: main package. */

const pad = (n: number) => String(n).padStart(2, '0')

/** '2026-11-25 09:30' in the phone's local time, from an ISO timestamp. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** '2026-11-25' in the phone's local time. */
export function formatDate(iso: string): string {
  return formatDateTime(iso).slice(0, 10)
}

/** '+30' / '-100': ledger amounts always carry their sign. */
export function signedPoints(amount: number): string {
  return amount > 0 ? `+${amount}` : String(amount)
}

/** '3 小时 20 分' / '2 天 4 小时' / '15 分钟': a span for deadlines, coarse enough to read at a glance. */
export function formatSpan(ms: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000))
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  if (days) return hours ? `${days} 天 ${hours} 小时` : `${days} 天`
  if (hours) return minutes % 60 ? `${hours} 小时 ${minutes % 60} 分` : `${hours} 小时`
  return `${minutes} 分钟`
}

/** '剩 3 小时 20 分' before a deadline, '已超期 2 天' after it. */
export function formatDueIn(iso: string, now: number = Date.now()): string {
  const left = new Date(iso).getTime() - now
  return left >= 0 ? `剩 ${formatSpan(left)}` : `已超期 ${formatSpan(left)}`
}

/** '刚刚' / '12 分钟前' / '3 小时前' / the date: how long ago something happened. */
export function formatAgo(iso: string, now: number = Date.now()): string {
  const ago = now - new Date(iso).getTime()
  if (ago < 60_000) return '刚刚'
  if (ago < 86_400_000) return `${formatSpan(ago)}前`
  return formatDateTime(iso)
}
