import { z } from 'zod'

/** Shared by the grid-loop repositories: how MySQL and SQLite hand back times, flags and JSON columns. */
export const time = z.union([z.date(), z.number(), z.string()]).transform((v) => new Date(v))
export const flag = z.coerce.boolean()
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
