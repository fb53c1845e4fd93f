import { describe, expect, it } from 'vitest'
import { DEMO_PATROL_CHECKPOINTS } from '../db/seeds/patrols'
import { walkThrough } from '../testing/patrolTracks'
import { concatTracks, decodeTrack, encodeTrack } from './trackCodec'

const hour = walkThrough([...DEMO_PATROL_CHECKPOINTS, DEMO_PATROL_CHECKPOINTS[0]], {
  startMs: Date.UTC(2026, 10, 25, 12), speedMps: 0.5, intervalS: 10,
}).points.slice(0, 360)

describe('track codec', () => {
  it('round-trips to the second and to about a metre', () => {
    const decoded = decodeTrack(encodeTrack(hour))
    expect(decoded).toHaveLength(hour.length)
    decoded.forEach((p, i) => {
      const original = hour[i]!
      expect(Math.abs(p.t - original.t)).toBeLessThanOrEqual(500)
      expect(Math.abs(p.lat - original.lat)).toBeLessThanOrEqual(0.5e-5)
      expect(Math.abs(p.lng - original.lng)).toBeLessThanOrEqual(0.5e-5)
      expect(p.acc).toBe(Math.round(original.acc!))
    })
    // Decoding and encoding again gives the same bytes: a resent batch compares equal.
    expect(encodeTrack(decoded).equals(encodeTrack(hour))).toBe(true)
  })

  it('keeps an hour of walking (360 points) under 2 KB', () => {
    expect(hour).toHaveLength(360)
    const bytes = encodeTrack(hour).length
    expect(bytes).toBeLessThan(2048)
    expect(bytes / 360).toBeLessThan(5.5)
  })

  it('keeps null accuracy, negative coordinates and out-of-order times', () => {
    const points = [
      { t: 1_800_000_000_000, lat: -33.8688, lng: 151.2093, acc: null },
      { t: 1_799_999_990_000, lat: -33.8689, lng: -0.0001, acc: 0 },
      { t: 1_800_000_010_000, lat: 89.99999, lng: -179.99999, acc: 70_000 },
    ]
    expect(decodeTrack(encodeTrack(points))).toEqual([
      points[0], points[1], { ...points[2], acc: 65_534 },
    ])
    expect(decodeTrack(encodeTrack([]))).toEqual([])
  })

  it('joins batches into one track and refuses a damaged blob', () => {
    const joined = concatTracks([encodeTrack(hour.slice(0, 100)), encodeTrack(hour.slice(100))])
    expect(joined.equals(encodeTrack(hour))).toBe(true)
    expect(() => decodeTrack(encodeTrack(hour).subarray(0, 50))).toThrow(/truncated/)
    expect(() => decodeTrack(Buffer.from([9, 0]))).toThrow(/format/)
  })
})
