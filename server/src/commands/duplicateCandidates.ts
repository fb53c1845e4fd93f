import type { Queryable } from '../db/knex'
import { degreesAround, distanceMeters } from '../lib/geo'
import { casesRepo, type CaseRow } from '../repositories/cases'

const MINUTE_MS = 60 * 1000
/** SPEC: same category, and same plate within 30 minutes and nearby, or within 50 m within 2 hours. */
export const DUPLICATE_PLATE_WINDOW_MS = 30 * MINUTE_MS
/** "Nearby" for a vehicle: the same stretch of street, since a car is reported from wherever the reporter stands. */
export const DUPLICATE_PLATE_RADIUS_M = 300
export const DUPLICATE_PLACE_WINDOW_MS = 120 * MINUTE_MS
export const DUPLICATE_RADIUS_M = 50

export interface ReportPlace {
  categoryCode: string
  lat: number
  lng: number
  plate?: string
}

export type LikelyDuplicate = CaseRow & { distanceM: number }

/**
 * Open cases this report probably repeats, the original (oldest) first: same category, and either the same
 * plate within the plate window and radius, or within DUPLICATE_RADIUS_M in the place window. Confidential and
 * anonymous cases are among them (handlers see the link); `offeredToResidents` keeps only what a resident may
 * be shown.
 */
export async function likelyDuplicates(db: Queryable, report: ReportPlace, now: Date): Promise<LikelyDuplicate[]> {
  const { lat, lng } = report
  const found = new Map<number, LikelyDuplicate>()
  const add = (rows: CaseRow[], radius: number) => {
    for (const c of rows) {
      const distanceM = distanceMeters([lat, lng], [c.lat, c.lng])
      if (distanceM <= radius) found.set(c.id, { ...c, distanceM })
    }
  }
  if (report.plate) {
    add(await casesRepo.openWithPlate(db, report.categoryCode, report.plate, new Date(now.getTime() - DUPLICATE_PLATE_WINDOW_MS)), DUPLICATE_PLATE_RADIUS_M)
  }
  const { dLat, dLng } = degreesAround(lat, DUPLICATE_RADIUS_M)
  add(
    await casesRepo.openNear(
      db, report.categoryCode, { minLat: lat - dLat, maxLat: lat + dLat, minLng: lng - dLng, maxLng: lng + dLng },
      new Date(now.getTime() - DUPLICATE_PLACE_WINDOW_MS),
    ),
    DUPLICATE_RADIUS_M,
  )
  return [...found.values()].sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.id - b.id)
}

/** A confidential clue or an anonymous report is never shown to, or followed by, another resident. */
export function offeredToResidents(c: CaseRow): boolean {
  return !c.confidential && !c.anonymous
}
