/**
 * Keyset paging over rows ordered by (created_at DESC, id DESC): the cursor names the last row seen, as
 * "<epoch ms>_<id>" (a uuid, or a row number where the table has them). Pages stay stable while rows are added,
 * and the order does not depend on auto-increment values, which a multi-primary cluster interleaves by node.
 */
export interface KeysetCursor {
  createdAtMs: number
  id: string
}

export function encodeCursor(c: KeysetCursor): string {
  return `${c.createdAtMs}_${c.id}`
}

export function decodeCursor(text: string): KeysetCursor | undefined {
  const m = /^(\d{1,15})_([0-9a-f-]{36}|\d{1,15})$/.exec(text)
  return m ? { createdAtMs: Number(m[1]), id: m[2]! } : undefined
}

/** Where a page of rows with numeric ids starts (see repositories/rows.ts `olderThan`); undefined for the first. */
export function pagePosition(cursor: string | undefined): { at: Date; id: number } | undefined {
  const c = cursor ? decodeCursor(cursor) : undefined
  return c ? { at: new Date(c.createdAtMs), id: Number(c.id) } : undefined
}

/** The `next` of a page of `limit` rows in (time DESC, id DESC) order: its last row's cursor, or null at the end. */
export function nextPageCursor<R extends { id: number }>(rows: R[], limit: number, timeOf: (row: R) => Date): string | null {
  const last = rows[rows.length - 1]
  return rows.length === limit && last ? encodeCursor({ createdAtMs: timeOf(last).getTime(), id: String(last.id) }) : null
}
