import type { Queryable } from '../db/knex'
import { errors } from '../errors'
import { distanceMeters, distanceToPolygonMeters, pointInPolygon, type LatLng } from '../lib/geo'
import { gridAreasRepo } from '../repositories/gridAreas'

/** How far from a report's position a resident may send it to another grid (their home's, say). */
export const NEARBY_GRID_RADIUS_M = 1500
const NEARBY_GRID_LIMIT = 8

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

export interface NearbyGridArea {
  gridId: number
  inside: boolean
  distanceM: number
  polygon: LatLng[]
}

/**
 * The grids a resident may choose for a report made here: the located one first, then every grid whose area
 * lies within NEARBY_GRID_RADIUS_M, nearest first.
 */
export async function nearbyGrids(db: Queryable, lat: number, lng: number): Promise<NearbyGridArea[]> {
  const located = await locateGrid(db, lat, lng)
  const around = (await gridAreasRepo.allCentres(db))
    .map((area) => ({ gridId: area.region_id, polygon: area.polygon, distanceM: Math.round(distanceToPolygonMeters([lat, lng], area.polygon)) }))
    .map((g) => ({ ...g, inside: g.distanceM === 0 }))
  const first = around.find((g) => g.gridId === located.gridId)
  const rest = around
    .filter((g) => g.gridId !== located.gridId && g.distanceM <= NEARBY_GRID_RADIUS_M)
    .sort((a, b) => a.distanceM - b.distanceM)
  return [...(first ? [first] : []), ...rest].slice(0, NEARBY_GRID_LIMIT)
}

/** The grid a report goes to: the resident's choice when it is one of the nearby grids, else where it was made. */
export async function gridForReport(db: Queryable, lat: number, lng: number, chosenGridId: number | undefined): Promise<number> {
  if (chosenGridId === undefined) return (await locateGrid(db, lat, lng)).gridId
  if (!(await nearbyGrids(db, lat, lng)).some((g) => g.gridId === chosenGridId)) throw errors.gridTooFar()
  return chosenGridId
}
