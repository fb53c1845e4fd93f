/** Distances on the phone's GCJ-02 coordinates. The datum's offset is locally smooth, so distances are true. */
const EARTH_RADIUS_M = 6_371_008.8

export interface LatLng {
  lat: number
  lng: number
}

const rad = (deg: number) => (deg * Math.PI) / 180

/** Great-circle distance in metres. */
export function haversineMetres(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat)
  const dLng = rad(b.lng - a.lng)
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** The point `metres` away from `from` on a compass bearing (degrees, 0 = north); for tests and the seed. */
export function offsetBy(from: LatLng, metres: number, bearingDeg: number): LatLng {
  const d = metres / EARTH_RADIUS_M
  const b = rad(bearingDeg)
  const lat1 = rad(from.lat)
  const lng1 = rad(from.lng)
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b))
  const lng2 = lng1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2))
  return { lat: (lat2 * 180) / Math.PI, lng: (lng2 * 180) / Math.PI }
}

/** How much of a reported accuracy we credit: a phone claiming 2 km accuracy must not check in from 2 km away. */
export const MAX_ACCURACY_CREDIT_M = 50

/**
 * True when a position reported with `accuracyM` may be at the checkpoint: the distance may exceed the radius
 * by the accuracy, credited up to MAX_ACCURACY_CREDIT_M.
 */
export function withinCheckpointRadius(
  position: LatLng & { accuracyM: number | null },
  checkpoint: LatLng & { radiusM: number },
): { within: boolean; distanceM: number } {
  const distanceM = haversineMetres(position, checkpoint)
  const credit = Math.min(Math.max(position.accuracyM ?? 0, 0), MAX_ACCURACY_CREDIT_M)
  return { within: distanceM <= checkpoint.radiusM + credit, distanceM }
}

/** Whether two time spans share any moment; an open span (end null) runs on for ever. */
export function spansOverlap(a: { start: Date; end: Date | null }, b: { start: Date; end: Date | null }): boolean {
  const aEnd = a.end?.getTime() ?? Number.POSITIVE_INFINITY
  const bEnd = b.end?.getTime() ?? Number.POSITIVE_INFINITY
  return a.start.getTime() < bEnd && b.start.getTime() < aEnd
}
