import { describe, expect, it } from 'vitest'
import { DEMO_PATROL_CHECKPOINTS } from '../db/seeds/patrols'
import { walkThrough } from '../testing/patrolTracks'
import { offsetBy } from './geo'
import { judgePatrol, requiredCheckpoints, type JudgeFacts, type JudgeRules } from './judge'
import type { TrackPoint } from './trackCodec'

const rules: JudgeRules = { maxSpeedKmh: 25, minDurationMinutes: 20, minCheckpointShare: 0.6, dailyRewardCap: 2 }
const checkpoints = DEMO_PATROL_CHECKPOINTS.map((c, i) => ({ id: i + 1, name: c.name }))
const start = Date.UTC(2026, 10, 25, 11, 0)
/** The 40-minute walk through the five checkpoints: about 1.5 km at 1 m/s with four minutes at each. */
const walk = walkThrough([...DEMO_PATROL_CHECKPOINTS], { startMs: start, speedMps: 1, pauseS: 240, intervalS: 10 })
const allCheckIns = checkpoints.map((c) => ({ checkpointId: c.id, distanceM: 12, withinRadius: true, tokenCurrent: true }))

/** Facts for a patrol uploaded in one-minute batches, each received just after its last point. */
function factsFor(points: TrackPoint[], overrides: Partial<JudgeFacts> = {}): JudgeFacts {
  const batches = []
  for (let i = 0; i < points.length; i += 6) {
    const chunk = points.slice(i, i + 6)
    batches.push({ receivedAt: new Date(chunk.at(-1)!.t + 2000), points: chunk })
  }
  return {
    startedAt: new Date(start), endedAt: new Date(points.at(-1)!.t + 5000), endReason: 'finished', batches,
    checkpoints, checkIns: allCheckIns, otherPatrols: [], rewardedToday: 0, ...overrides,
  }
}

const codes = (facts: JudgeFacts, r = rules) => judgePatrol(facts, r).reasons.map((x) => x.code)

describe('judgePatrol', () => {
  it('accepts a 40-minute walk through all five checkpoints', () => {
    expect(walk.endMs - start).toBeGreaterThan(38 * 60_000)
    expect(walk.endMs - start).toBeLessThan(42 * 60_000)
    const j = judgePatrol(factsFor(walk.points), rules)
    expect(j).toMatchObject({ valid: true, rewardable: true, summary: '有效巡逻', reasons: [], checkpointsDone: 5, checkpointsTotal: 5 })
    expect(j.distanceM).toBeGreaterThan(1400)
    expect(j.distanceM).toBeLessThan(2600)
    expect(j.maxSpeedKmh).toBeLessThan(10)
    expect(j.pointCount).toBe(walk.points.length)
  })

  it('refuses a teleport: one fix three kilometres away', () => {
    const points = walk.points.map((p, i) => (i === 100 ? { ...p, ...offsetBy(p, 3000, 90) } : p))
    const j = judgePatrol(factsFor(points), rules)
    expect(j.valid).toBe(false)
    expect(j.reasons.map((r) => r.code)).toEqual(['TELEPORT'])
    expect(j.reasons[0]!.message).toMatch(/跳跃了 3\.0 公里/)
    expect(j.summary).toMatch(/^无效巡逻：/)
  })

  it('refuses a segment driven at car speed, but forgives one noisy fix', () => {
    // Five minutes at 15 m/s (54 km/h) in the middle of the walk.
    const driven = walk.points.map((p, i) => {
      if (i < 120) return p
      const metres = Math.min(i - 120, 30) * 150
      return { ...p, ...offsetBy(p, metres, 0) }
    })
    expect(codes(factsFor(driven))).toContain('TOO_FAST')
    const glitch = walk.points.map((p, i) => (i === 50 ? { ...p, ...offsetBy(p, 90, 0) } : p))
    expect(codes(factsFor(glitch))).toEqual([])
  })

  it('counts fixes in the same second as a second apart', () => {
    const p = walk.points[60]!
    const jumps = [...walk.points.slice(0, 61), { ...p, ...offsetBy(p, 350, 90) }, { ...p, ...offsetBy(p, 700, 90) }]
    const sameSecond = jumps.map((q, i) => (i > 60 ? { ...q, t: p.t } : q))
    expect(codes(factsFor(sameSecond))).toContain('TOO_FAST')
  })

  it('lets cycling pass and a lower configured limit refuse it', () => {
    const cycled = walkThrough([...DEMO_PATROL_CHECKPOINTS], { startMs: start, speedMps: 4.5, pauseS: 400, intervalS: 10 })
    expect(codes(factsFor(cycled.points))).toEqual([])
    expect(codes(factsFor(cycled.points), { ...rules, maxSpeedKmh: 10 })).toContain('TOO_FAST')
  })

  it('refuses a code scanned three kilometres from its checkpoint', () => {
    const checkIns = allCheckIns.map((c, i) => (i === 4 ? { ...c, distanceM: 3012, withinRadius: false } : c))
    const j = judgePatrol(factsFor(walk.points, { checkIns }), rules)
    expect(j.valid).toBe(false)
    expect(j.checkpointsDone).toBe(4)
    expect(j.reasons).toEqual([{ code: 'REMOTE_SCAN', message: '在距检查点「幸福里第二网格活动室」3.0 公里处扫码，疑似翻拍二维码' }])
  })

  it('refuses a patrol with 1 of 5 checkpoints, and counts only check-ins inside the radius with a current code', () => {
    const one = judgePatrol(factsFor(walk.points, { checkIns: allCheckIns.slice(0, 1) }), rules)
    expect(one.valid).toBe(false)
    expect(one.reasons).toEqual([{ code: 'TOO_FEW_CHECKPOINTS', message: '签到了 1/5 个检查点，至少需要 3 个' }])
    const stale = allCheckIns.map((c, i) => (i < 3 ? { ...c, tokenCurrent: false } : c))
    expect(codes(factsFor(walk.points, { checkIns: stale }))).toEqual(['TOO_FEW_CHECKPOINTS'])
    const outside = allCheckIns.map((c, i) => (i < 3 ? { ...c, withinRadius: false, distanceM: 120 } : c))
    expect(codes(factsFor(walk.points, { checkIns: outside }))).toEqual(['TOO_FEW_CHECKPOINTS'])
    // Three of five is enough at the default share; the same check-in twice counts once.
    const three = [...allCheckIns.slice(0, 3), allCheckIns[0]!]
    expect(judgePatrol(factsFor(walk.points, { checkIns: three }), rules).valid).toBe(true)
  })

  it('refuses a patrol overlapping another of the same volunteer', () => {
    const otherPatrols = [{ id: 77, startedAt: new Date(start - 10 * 60_000), endedAt: new Date(start + 5 * 60_000) }]
    const j = judgePatrol(factsFor(walk.points, { otherPatrols }), rules)
    expect(j.reasons).toEqual([{ code: 'OVERLAP', message: '与本人另一次巡逻（编号 77）时间重叠' }])
    const before = [{ id: 76, startedAt: new Date(start - 60 * 60_000), endedAt: new Date(start) }]
    expect(judgePatrol(factsFor(walk.points, { otherPatrols: before }), rules).valid).toBe(true)
  })

  it('refuses a patrol shorter than the minimum', () => {
    const short = walk.points.filter((p) => p.t < start + 10 * 60_000)
    const j = judgePatrol(factsFor(short), rules)
    expect(j.reasons.map((r) => r.code)).toContain('TOO_SHORT')
    expect(j.durationS).toBeLessThan(11 * 60)
  })

  it('refuses times out of order, ahead of the upload, or outside the patrol', () => {
    const swapped = [...walk.points]
    ;[swapped[10], swapped[11]] = [swapped[11]!, swapped[10]!]
    expect(codes(factsFor(swapped))).toContain('TIME_UNORDERED')
    const facts = factsFor(walk.points)
    facts.batches[3] = { ...facts.batches[3]!, receivedAt: new Date(facts.batches[3]!.receivedAt.getTime() - 10 * 60_000) }
    expect(codes(facts)).toContain('TIME_IN_FUTURE')
    const early = [{ ...walk.points[0]!, t: start - 30 * 60_000 }, ...walk.points]
    expect(codes(factsFor(early))).toContain('TIME_OUTSIDE_PATROL')
    expect(codes(factsFor([walk.points[0]!]))).toContain('NO_TRACK')
  })

  it('keeps a valid patrol past the daily cap valid but unrewarded, and notes an automatic close', () => {
    const capped = judgePatrol(factsFor(walk.points, { rewardedToday: 2, endReason: 'auto_closed' }), rules)
    expect(capped).toMatchObject({ valid: true, rewardable: false, summary: '有效巡逻' })
    expect(capped.reasons.map((r) => r.code)).toEqual(['AUTO_CLOSED', 'DAILY_CAP_REACHED'])
    expect(judgePatrol(factsFor(walk.points, { rewardedToday: 1 }), rules).rewardable).toBe(true)
  })

  it('requires the configured share of checkpoints, rounded up, without floating-point surprises', () => {
    expect([requiredCheckpoints(5, 0.6), requiredCheckpoints(10, 0.7), requiredCheckpoints(3, 0.6), requiredCheckpoints(4, 0), requiredCheckpoints(7, 1)]).toEqual([3, 7, 2, 0, 7])
    const ten = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, name: `点${i + 1}` }))
    const seven = ten.slice(0, 7).map((c) => ({ checkpointId: c.id, distanceM: 10, withinRadius: true, tokenCurrent: true }))
    expect(codes(factsFor(walk.points, { checkpoints: ten, checkIns: seven }), { ...rules, minCheckpointShare: 0.7 })).toEqual([])
  })
})
