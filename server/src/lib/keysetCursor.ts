/**
 * Keyset paging over rows ordered by (created_at DESC, id DESC): the cursor names the last row seen, as
 * "<epoch ms>_<uuid>". Pages stay stable while rows are added, and nothing depends on auto-increment order.
 */
export interface KeysetCursor {
  createdAtMs: number
  id: string
}

export function encodeCursor(c: KeysetCursor): string {
  return `${c.createdAtMs}_${c.id}`
}

export function decodeCursor(text: string): KeysetCursor | undefined {
  const m = /^(\d{1,15})_([0-9a-f-]{36})$/.exec(text)
  return m ? { createdAtMs: Number(m[1]), id: m[2]! } : undefined
}
