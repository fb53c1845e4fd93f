/** Small geometry on the sphere, enough for grids a few hundred metres across. Points are [lat, lng]. */
export type LatLng = readonly [lat: number, lng: number]

const EARTH_RADIUS_M = 6_371_000
const rad = (deg: number) => (deg * Math.PI) / 180

/** Great-circle distance in metres (haversine). */
export function distanceMeters(a: LatLng, b: LatLng): number {
  const dLat = rad(b[0] - a[0])
  const dLng = rad(b[1] - a[1])
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h))
}

/** Ray casting; fine at grid scale where the plane approximation holds. A point on an edge may go either way. */
export function pointInPolygon(point: LatLng, polygon: readonly LatLng[]): boolean {
  const [y, x] = point
  let inside = false
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [yi, xi] = polygon[i]!
    const [yj, xj] = polygon[j]!
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** Degrees of latitude and longitude that cover `metres` around `lat`, for a bounding-box prefilter. */
export function degreesAround(lat: number, metres: number): { dLat: number; dLng: number } {
  const dLat = (metres / EARTH_RADIUS_M) * (180 / Math.PI)
  return { dLat, dLng: dLat / Math.cos(rad(lat)) }
}

export { gcj02ToWgs84, wgs84ToGcj02 } from '@anju/shared'

/** Metres from a point to a polygon's boundary, 0 inside it (local plane around the point). */
export function distanceToPolygonMeters(point: LatLng, polygon: readonly LatLng[]): number {
  if (pointInPolygon(point, polygon)) return 0
  const [lat0, lng0] = point
  const mPerLat = (Math.PI / 180) * EARTH_RADIUS_M
  const mPerLng = mPerLat * Math.cos(rad(lat0))
  const xy = ([lat, lng]: LatLng) => [(lng - lng0) * mPerLng, (lat - lat0) * mPerLat] as const
  let best = Infinity
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [ax, ay] = xy(polygon[j]!)
    const [bx, by] = xy(polygon[i]!)
    const [dx, dy] = [bx - ax, by - ay]
    const t = dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy))
  }
  return best
}

/**
 * The area of a small polygon (a grid: a few km across) in km², on a local equirectangular projection around
 * its mean latitude; the error is far below what the polygons' own accuracy allows.
 */
export function geodesicAreaKm2(polygon: readonly LatLng[]): number {
  if (polygon.length < 3) return 0
  const R = 6371.0088
  const meanLat = (polygon.reduce((s, p) => s + p[0], 0) / polygon.length) * (Math.PI / 180)
  const xy = polygon.map(([lat, lng]) => [R * lng * (Math.PI / 180) * Math.cos(meanLat), R * lat * (Math.PI / 180)] as const)
  let twice = 0
  for (let i = 0; i < xy.length; i++) {
    const [x1, y1] = xy[i]!
    const [x2, y2] = xy[(i + 1) % xy.length]!
    twice += x1 * y2 - x2 * y1
  }
  return Math.abs(twice) / 2
}
