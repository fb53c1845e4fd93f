import { haversineMetres, offsetBy, type LatLng } from '../patrols/geo'
import type { TrackPoint } from '../patrols/trackCodec'

/** A small deterministic PRNG, so generated tracks are the same on every run. */
function mulberry32(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface WalkOptions {
  startMs: number
  /** Metres a second between waypoints. */
  speedMps?: number
  intervalS?: number
  /** Seconds spent standing at each waypoint after the first. */
  pauseS?: number
  accuracyM?: number
  /** GPS noise, metres either way. */
  jitterM?: number
  seed?: number
}

export interface Walk {
  points: TrackPoint[]
  /** When each waypoint was reached. */
  arrivals: number[]
  endMs: number
}

/**
 * A realistic walk through `waypoints`: a fix every `intervalS` seconds at walking pace, a pause at each
 * waypoint, and a few metres of GPS noise around the true position.
 */
export function walkThrough(waypoints: LatLng[], o: WalkOptions): Walk {
  const speed = o.speedMps ?? 1.2
  const interval = (o.intervalS ?? 10) * 1000
  const pause = (o.pauseS ?? 0) * 1000
  const jitter = o.jitterM ?? 3
  const accuracy = o.accuracyM ?? 8
  const random = mulberry32(o.seed ?? 1)
  // The true position at each moment: legs at `speed`, pauses at waypoints.
  const legs: { from: LatLng; to: LatLng; startMs: number; endMs: number }[] = []
  const arrivals = [o.startMs]
  let t = o.startMs
  for (let i = 1; i < waypoints.length; i++) {
    const from = waypoints[i - 1]!
    const to = waypoints[i]!
    const duration = (haversineMetres(from, to) / speed) * 1000
    legs.push({ from, to, startMs: t, endMs: t + duration })
    t += duration
    arrivals.push(t)
    legs.push({ from: to, to, startMs: t, endMs: t + pause })
    t += pause
  }
  const at = (ms: number): LatLng => {
    const leg = legs.find((l) => ms <= l.endMs) ?? legs.at(-1)!
    const f = leg.endMs === leg.startMs ? 1 : Math.min(1, Math.max(0, (ms - leg.startMs) / (leg.endMs - leg.startMs)))
    return { lat: leg.from.lat + (leg.to.lat - leg.from.lat) * f, lng: leg.from.lng + (leg.to.lng - leg.from.lng) * f }
  }
  const points: TrackPoint[] = []
  for (let ms = o.startMs; ms <= t; ms += interval) {
    const noisy = offsetBy(at(ms), random() * jitter, random() * 360)
    points.push({ t: Math.round(ms / 1000) * 1000, lat: noisy.lat, lng: noisy.lng, acc: Math.round(accuracy + random() * 4) })
  }
  return { points, arrivals, endMs: t }
}

/** Splits a track into upload batches of `size` points. */
export function batchesOf<T>(points: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < points.length; i += size) out.push(points.slice(i, i + size))
  return out
}
