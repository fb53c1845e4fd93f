import { z } from 'zod'

/** Shared by the grid-loop repositories: how MySQL and SQLite hand back times, flags and JSON columns. */
export const time = z.union([z.date(), z.number(), z.string()]).transform((v) => new Date(v))
export const flag = z.coerce.boolean()
export const jsonArray = <T extends z.ZodType>(item: T) =>
  z.string().transform((s) => z.array(item).parse(JSON.parse(s)))
