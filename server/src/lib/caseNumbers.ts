const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000

/** The China date a case number is counted in: "261125" for 25 November 2026. */
export function caseDayKey(now: Date): string {
  const local = new Date(now.getTime() + CHINA_OFFSET_MS)
  const yy = String(local.getUTCFullYear() % 100).padStart(2, '0')
  const mm = String(local.getUTCMonth() + 1).padStart(2, '0')
  const dd = String(local.getUTCDate()).padStart(2, '0')
  return `${yy}${mm}${dd}`
}

/**
 * A number a resident can read over the phone: the date and that day's sequence, digits only,
 * e.g. "261125-0042" (二六一一二五 杠 零零四二).
 */
export function caseNumberFor(dayKey: string, sequence: number): string {
  return `${dayKey}-${String(sequence).padStart(4, '0')}`
}
