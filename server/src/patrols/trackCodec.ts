/**
 * Compact track encoding. A patrol sends a point every few seconds; storing a row per point would make the
 * track tables the biggest in the database. Instead each batch (and, once a patrol ends, the whole track) is
 * one blob: times to the second and coordinates to 1e-5 degree (about 1.1 m, well inside GPS error), each as
 * the zigzag varint of its difference from the previous point. A walking point costs about 4 bytes.
 */
export interface TrackPoint {
  /** Epoch milliseconds as the phone saw them; kept to the second. */
  t: number
  lat: number
  lng: number
  /** Reported accuracy in metres, or null when the phone did not say. */
  acc: number | null
}

const FORMAT_VERSION = 1
const COORD_SCALE = 1e5
const MAX_ACC = 65_534

function pushVarint(out: number[], value: number) {
  let v = value
  while (v >= 128) {
    out.push((v % 128) + 128)
    v = Math.floor(v / 128)
  }
  out.push(v)
}

const zigzag = (n: number) => (n >= 0 ? n * 2 : -n * 2 - 1)
const unzigzag = (n: number) => (n % 2 === 0 ? n / 2 : -(n + 1) / 2)

/** The integers a point is stored as; encode and decode agree on them exactly. */
function quantize(p: TrackPoint): [number, number, number, number] {
  const acc = p.acc == null ? 0 : Math.min(Math.max(Math.round(p.acc), 0), MAX_ACC) + 1
  return [Math.round(p.t / 1000), Math.round(p.lat * COORD_SCALE), Math.round(p.lng * COORD_SCALE), acc]
}

export function encodeTrack(points: readonly TrackPoint[]): Buffer {
  const out: number[] = [FORMAT_VERSION]
  pushVarint(out, points.length)
  let prev: [number, number, number, number] = [0, 0, 0, 0]
  for (const point of points) {
    const q = quantize(point)
    for (let i = 0; i < 4; i++) pushVarint(out, zigzag(q[i]! - prev[i]!))
    prev = q
  }
  return Buffer.from(out)
}

export function decodeTrack(blob: Uint8Array): TrackPoint[] {
  let pos = 0
  const readVarint = () => {
    let value = 0
    let scale = 1
    for (;;) {
      if (pos >= blob.length) throw new Error('truncated track blob')
      const byte = blob[pos++]!
      value += (byte % 128) * scale
      if (byte < 128) return value
      scale *= 128
    }
  }
  if (blob[pos++] !== FORMAT_VERSION) throw new Error('unknown track blob format')
  const count = readVarint()
  const points: TrackPoint[] = []
  const q = [0, 0, 0, 0]
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < 4; i++) q[i]! += unzigzag(readVarint())
    points.push({ t: q[0]! * 1000, lat: q[1]! / COORD_SCALE, lng: q[2]! / COORD_SCALE, acc: q[3] === 0 ? null : q[3]! - 1 })
  }
  return points
}

/** Several blobs, in order, as one: what a finished patrol's batches are folded into. */
export function concatTracks(blobs: readonly Uint8Array[]): Buffer {
  return encodeTrack(blobs.flatMap((b) => decodeTrack(b)))
}
