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
