import type { Queryable } from '../db/knex'
import { errors } from '../errors'
import { distanceMeters, pointInPolygon } from '../lib/geo'
import { gridAreasRepo } from '../repositories/gridAreas'

/**
 * The grid a point (GCJ-02) falls in: the polygon that contains it, or else the grid whose centre is
 * nearest (a report from just outside every drawn grid still lands somewhere a person will see it).
 */
export async function locateGrid(db: Queryable, lat: number, lng: number): Promise<{ gridId: number; inside: boolean }> {
  for (const area of await gridAreasRepo.containingBox(db, lat, lng)) {
    if (pointInPolygon([lat, lng], area.polygon)) return { gridId: area.region_id, inside: true }
  }
  let best: { gridId: number; metres: number } | null = null
  for (const area of await gridAreasRepo.allCentres(db)) {
    const metres = distanceMeters([lat, lng], [area.centre_lat, area.centre_lng])
    if (!best || metres < best.metres) best = { gridId: area.region_id, metres }
  }
  if (!best) throw errors.noGrid()
  return { gridId: best.gridId, inside: false }
}
