/** China Standard Time has no daylight saving: UTC+8 all year. Days and months for caps and budgets are China's. */
const OFFSET_MS = 8 * 60 * 60 * 1000

export function chinaDayStart(now: Date): Date {
  const local = new Date(now.getTime() + OFFSET_MS)
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - OFFSET_MS)
}

export function chinaMonthStart(now: Date): Date {
  const local = new Date(now.getTime() + OFFSET_MS)
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - OFFSET_MS)
}

/** "2026-11" for any moment in November 2026, China time. */
export function chinaMonthKey(now: Date): string {
  const local = new Date(now.getTime() + OFFSET_MS)
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`
}
