/** China-time (UTC+8, no daylight saving) periods for rankings and coverage. */
const OFFSET_MS = 8 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

/** Monday 00:00 China time of the week containing `now`. */
export function chinaWeekStart(now: Date): Date {
  const local = new Date(now.getTime() + OFFSET_MS)
  const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate())
  const daysSinceMonday = (local.getUTCDay() + 6) % 7
  return new Date(midnight - daysSinceMonday * DAY_MS - OFFSET_MS)
}

/** [start, end) of a month given as "2026-11", China time. */
export function chinaMonthRange(key: string): { start: Date; end: Date } {
  const [y, m] = key.split('-').map(Number) as [number, number]
  return { start: new Date(Date.UTC(y, m - 1, 1) - OFFSET_MS), end: new Date(Date.UTC(y, m, 1) - OFFSET_MS) }
}
