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

/**
 * The start of the China day `months` calendar months before `now`'s China day ("2026-05-31" less three months
 * is "2026-02-28"), with that day as "YYYY-MM-DD".
 */
export function chinaDayMonthsBefore(now: Date, months: number): { start: Date; day: string } {
  const local = new Date(now.getTime() + OFFSET_MS)
  const first = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - months, 1))
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate()
  const date = Math.min(local.getUTCDate(), lastDay)
  const start = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), date) - OFFSET_MS)
  const day = `${first.getUTCFullYear()}-${String(first.getUTCMonth() + 1).padStart(2, '0')}-${String(date).padStart(2, '0')}`
  return { start, day }
}

/** "2026-11-25" for any moment of 25 November 2026, China time. */
export function chinaDate(moment: Date): string {
  return new Date(moment.getTime() + OFFSET_MS).toISOString().slice(0, 10)
}

/** Midnight starting a China date ("YYYY-MM-DD"), as an instant. */
export function chinaDateStart(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d) - OFFSET_MS)
}

/** The China date `days` after `day` (negative goes back). */
export function addChinaDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

/** Every China date from `from` to `to`, both included. */
export function chinaDatesBetween(from: string, to: string): string[] {
  const days: string[] = []
  for (let day = from; day <= to; day = addChinaDays(day, 1)) days.push(day)
  return days
}

/** The first and last China dates of a month "YYYY-MM". */
export function monthDates(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` }
}

/** The month "YYYY-MM" `months` after `month` (negative goes back). */
export function addMonths(month: string, months: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 7)
}

/** "2026年12月26日": the China day of `at`, as a resident reads it. */
export function chinaDateLabel(at: Date): string {
  const local = new Date(at.getTime() + OFFSET_MS)
  return `${local.getUTCFullYear()}年${local.getUTCMonth() + 1}月${local.getUTCDate()}日`
}
