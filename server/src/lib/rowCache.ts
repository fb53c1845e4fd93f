import type { Queryable } from '../db/knex'

/**
 * Reference rows that change rarely (a region never does once created; a category when an administrator edits
 * it), kept in this process for `ttlMs` so presenting a page does not read them again for every request. One cache
 * per database (a transaction shares its database's), bounded at `max` rows. A write through this process
 * forgets the row at once; another API node sees the change within `ttlMs`.
 */
export function rowCache<K extends string | number, V>({ ttlMs, max = 10_000, keyOf, keep = () => true }: {
  ttlMs: number
  max?: number
  keyOf: (row: V) => K
  /** Whether a row read may be kept (a row not yet complete is answered but not cached). */
  keep?: (row: V) => boolean
}) {
  const perDatabase = new WeakMap<object, Map<K, { row: V; at: number }>>()
  const entriesOf = (db: Queryable) => {
    const config = (db.client as { config: object }).config
    let entries = perDatabase.get(config)
    if (!entries) perDatabase.set(config, (entries = new Map()))
    return entries
  }
  return {
    /** The rows for `keys` (those that exist), from the cache or, in one call of `load` for the rest, the database. */
    async get(db: Queryable, keys: K[], load: (missing: K[]) => Promise<V[]>, now = Date.now()): Promise<V[]> {
      const entries = entriesOf(db)
      const found: V[] = []
      const missing: K[] = []
      for (const key of new Set(keys)) {
        const entry = entries.get(key)
        if (entry && now - entry.at < ttlMs) found.push(entry.row)
        else missing.push(key)
      }
      if (missing.length === 0) return found
      const loaded = await load(missing)
      if (entries.size + loaded.length > max) entries.clear()
      for (const row of loaded) if (keep(row)) entries.set(keyOf(row), { row, at: now })
      return [...found, ...loaded]
    },
    forget(db: Queryable, key: K) {
      entriesOf(db).delete(key)
    },
  }
}
