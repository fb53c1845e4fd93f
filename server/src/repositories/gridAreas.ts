import { z } from 'zod'
import type { Queryable } from '../db/knex'
import type { LatLng } from '../lib/geo'

export const GridAreaRow = z.object({
  region_id: z.coerce.number().int(),
  polygon: z.string().transform((s) => z.array(z.tuple([z.number(), z.number()])).parse(JSON.parse(s)) as LatLng[]),
  centre_lat: z.coerce.number(),
  centre_lng: z.coerce.number(),
})
export type GridAreaRow = z.infer<typeof GridAreaRow>

export const gridAreasRepo = {
  /** Grids whose bounding box holds the point: candidates for the exact polygon test. */
  async containingBox(db: Queryable, lat: number, lng: number) {
    const rows = await db('grid_areas')
      .where('min_lat', '<=', lat).andWhere('max_lat', '>=', lat)
      .andWhere('min_lng', '<=', lng).andWhere('max_lng', '>=', lng)
    return rows.map((r: unknown) => GridAreaRow.parse(r))
  },
  /** Every grid's centre, for the nearest-grid fallback (a district has hundreds, not millions). */
  async allCentres(db: Queryable) {
    const rows = await db('grid_areas').select('region_id', 'polygon', 'centre_lat', 'centre_lng')
    return rows.map((r: unknown) => GridAreaRow.parse(r))
  },
  /** Replaces a grid's area (row as gridAreaRow builds it). */
  async upsert(db: Queryable, row: Record<string, unknown> & { region_id: number }) {
    await db('grid_areas').insert(row).onConflict('region_id').merge()
  },
}
