import type { Knex } from 'knex'
import { z } from 'zod'

/** Shared by the grid-loop repositories: how MySQL and SQLite hand back times, flags and JSON columns. */
export const time = z.union([z.date(), z.number(), z.string()]).transform((v) => new Date(v))
export const flag = z.coerce.boolean()

/**
 * Narrows `q` to the rows after `before` in (time DESC, id DESC) order (`time` is created_at unless named):
 * keyset paging by time, with the id only to break ties, so the order never rests on auto-increment values (a
 * multi-primary cluster interleaves them).
 */
export function olderThan(
  q: Knex.QueryBuilder,
  before: { at: Date; id: number | string },
  { table, time = 'created_at' }: { table?: string; time?: string } = {},
): Knex.QueryBuilder {
  const column = (name: string) => (table ? `${table}.${name}` : name)
  return q.andWhere((w) => w.where(column(time), '<', before.at).orWhere((same) => same.where(column(time), before.at).andWhere(column('id'), '<', before.id)))
}
export const jsonArray = <T extends z.ZodType>(item: T) =>
  z.string().transform((s) => z.array(item).parse(JSON.parse(s)))

/**
 * The subtree under a materialised path ("/1/4/") as a range of the path column, ["/1/4/", "/1/40"): paths are
 * digits and slashes, and "0" sorts right after "/". Unlike LIKE 'prefix%' (case-insensitive in SQLite, so no
 * index), a range uses the column's index on both databases.
 */
export function pathRange(path: string): [string, string] {
  return [path, `${path.slice(0, -1)}0`]
}
