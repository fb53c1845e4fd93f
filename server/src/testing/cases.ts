import { randomUUID } from 'node:crypto'
import sharp from 'sharp'
import type { TestServer } from './server'

/** Inside 幸福里第一网格 (GCJ-02). */
export const XFL_G1 = { lat: 27.862, lng: 112.94 }
/** Inside 和平第一网格. */
export const HP_G1 = { lat: 27.854, lng: 112.944 }

let spread = 0
/** A point in 幸福里第一网格 far enough (>50 m) from the others this file made, so reports do not merge. */
export function freshPointInXflG1() {
  spread += 1
  return { lat: 27.8585 + (spread % 12) * 0.0006, lng: 112.9365 + Math.floor(spread / 12) * 0.0006 }
}

export function reportBody(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'complaint',
    categoryCode: 'noise',
    text: '楼下商铺深夜音响声音很大，影响休息',
    location: { ...freshPointInXflG1(), address: '湘潭市岳塘区建设路幸福里小区 3 栋' },
    anonymous: false,
    occurredAt: new Date(Date.now() - 10 * 60 * 1000).toISOString(),
    ...overrides,
  }
}

/** Files a report as `token`; returns the answer. */
export async function fileReport(s: TestServer, token: string, overrides: Record<string, unknown> = {}, key = `k-${randomUUID()}`) {
  return s.http.post('/api/cases', reportBody(overrides), { token, idempotencyKey: key })
}

export async function act(s: TestServer, token: string, caseId: number, body: Record<string, unknown>) {
  return s.http.post(`/api/cases/${caseId}/actions`, body, { token, idempotencyKey: `a-${randomUUID()}` })
}

/** A small JPEG carrying EXIF with a GPS position, as a phone camera writes it. */
export async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'AnjuTestCam', Model: 'Phone 1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '27/1 51/1 43/1', GPSLongitudeRef: 'E', GPSLongitude: '112/1 56/1 24/1' },
    })
    .toBuffer()
}

export async function uploadPhoto(s: TestServer, token: string, bytes: Buffer, filename = 'photo.jpg', type = 'image/jpeg') {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename)
  const res = await fetch(`${s.url}/api/uploads`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } })
  return { status: res.status, body: (await res.json()) as any }
}
