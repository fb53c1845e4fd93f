import { describe, expect, it } from 'vitest'
import { haversineMetres, MAX_ACCURACY_CREDIT_M, offsetBy, spansOverlap, withinCheckpointRadius } from './geo'

const centre = { lat: 27.86, lng: 112.94 }

describe('geo', () => {
  it('measures great-circle distances', () => {
    // One degree of latitude is about 111.2 km; a degree of longitude at 27.86° is cos(27.86°) of that.
    expect(haversineMetres(centre, { lat: 28.86, lng: 112.94 })).toBeCloseTo(111_195, -2)
    expect(haversineMetres(centre, { lat: 27.86, lng: 113.94 })).toBeCloseTo(111_195 * Math.cos((27.86 * Math.PI) / 180), -2)
    expect(haversineMetres(centre, centre)).toBe(0)
  })

  it('offsets a point by a distance and bearing, and back', () => {
    for (const bearing of [0, 45, 90, 200, 315]) {
      const moved = offsetBy(centre, 3000, bearing)
      expect(haversineMetres(centre, moved)).toBeCloseTo(3000, 3)
    }
  })

  it('credits reported accuracy at a checkpoint, but only up to a limit', () => {
    const checkpoint = { ...centre, radiusM: 50 }
    expect(withinCheckpointRadius({ ...offsetBy(centre, 45, 10), accuracyM: null }, checkpoint).within).toBe(true)
    expect(withinCheckpointRadius({ ...offsetBy(centre, 70, 10), accuracyM: 5 }, checkpoint).within).toBe(false)
    expect(withinCheckpointRadius({ ...offsetBy(centre, 70, 10), accuracyM: 25 }, checkpoint).within).toBe(true)
    // A phone claiming 3 km accuracy gets no more than the cap.
    const far = withinCheckpointRadius({ ...offsetBy(centre, 50 + MAX_ACCURACY_CREDIT_M + 5, 10), accuracyM: 3000 }, checkpoint)
    expect(far.within).toBe(false)
    expect(far.distanceM).toBeCloseTo(105, 0)
  })

  it('finds overlapping spans, open ones included', () => {
    const at = (h: number) => new Date(Date.UTC(2026, 10, 25, h))
    expect(spansOverlap({ start: at(8), end: at(9) }, { start: at(9), end: at(10) })).toBe(false)
    expect(spansOverlap({ start: at(8), end: at(10) }, { start: at(9), end: at(11) })).toBe(true)
    expect(spansOverlap({ start: at(8), end: null }, { start: at(12), end: at(13) })).toBe(true)
    expect(spansOverlap({ start: at(14), end: at(15) }, { start: at(12), end: at(13) })).toBe(false)
  })
})
