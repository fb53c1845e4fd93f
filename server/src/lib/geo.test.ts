import { describe, expect, it } from 'vitest'
import { distanceMeters, gcj02ToWgs84, pointInPolygon, wgs84ToGcj02 } from './geo'

describe('geo', () => {
  const square = [[27.86, 112.94], [27.86, 112.95], [27.87, 112.95], [27.87, 112.94]] as const

  it('tells points inside a polygon from points outside', () => {
    expect(pointInPolygon([27.865, 112.945], square)).toBe(true)
    expect(pointInPolygon([27.875, 112.945], square)).toBe(false)
    expect(pointInPolygon([27.865, 112.939], square)).toBe(false)
  })

  it('measures short distances in metres', () => {
    // 0.001° of latitude is about 111 m anywhere.
    expect(distanceMeters([27.86, 112.94], [27.861, 112.94])).toBeCloseTo(111.2, 0)
  })

  it('converts GCJ-02 to WGS84 and back (a few hundred metres apart in Xiangtan)', () => {
    const [lat, lng] = gcj02ToWgs84(27.86, 112.94)
    const offset = distanceMeters([27.86, 112.94], [lat, lng])
    expect(offset).toBeGreaterThan(200)
    expect(offset).toBeLessThan(800)
    const [gLat, gLng] = wgs84ToGcj02(lat, lng)
    expect(distanceMeters([gLat, gLng], [27.86, 112.94])).toBeLessThan(0.01)
  })

  it('leaves points outside China as they are', () => {
    expect(gcj02ToWgs84(51.5, -0.12)).toEqual([51.5, -0.12])
  })
})
