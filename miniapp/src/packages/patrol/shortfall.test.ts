import { describe, expect, it } from 'vitest'
import { finishConfirmation, shortfallOf, shortfallText } from './shortfall'

const startedAt = '2026-11-26T01:00:00.000Z'
const start = Date.parse(startedAt)
const patrol = (done: number) => ({
  startedAt,
  requirements: { minDurationMinutes: 20, minCheckpoints: 3 },
  checkpoints: Array.from({ length: 5 }, (_, i) => ({ id: i + 1, seq: i + 1, name: `点${i + 1}`, lat: 0, lng: 0, radiusM: 50, done: i < done })),
})
const minutes = (n: number) => n * 60_000

describe('what a running patrol still lacks', () => {
  it('counts minutes up to the server’s minimum and checkpoints up to its required number', () => {
    expect(shortfallOf(patrol(1), { now: start + minutes(7) + 30_000, fixesKept: 45 })).toEqual({ minutes: 13, checkpoints: 2, noTrack: false })
    expect(shortfallOf(patrol(3), { now: start + minutes(19) + 59_000, fixesKept: 120 })).toEqual({ minutes: 1, checkpoints: 0, noTrack: false })
    expect(shortfallOf(patrol(4), { now: start + minutes(25), fixesKept: 150 })).toEqual({ minutes: 0, checkpoints: 0, noTrack: false })
    // A phone clock behind the server's: never more than the minimum.
    expect(shortfallOf(patrol(0), { now: start - minutes(2), fixesKept: 0 })).toEqual({ minutes: 20, checkpoints: 3, noTrack: true })
  })

  it('says it in a line for the live page, and warns in the finish confirmation', () => {
    const early = shortfallOf(patrol(1), { now: start + minutes(8), fixesKept: 48 })
    expect(shortfallText(early)).toBe('再巡逻 12 分钟、再签到 2 个检查点')
    expect(finishConfirmation(early)).toBe('有效巡逻还需再巡逻 12 分钟、再签到 2 个检查点。现在结束将判定为无效巡逻，不能获得积分。确定结束吗？')
    expect(shortfallText({ minutes: 0, checkpoints: 0, noTrack: true })).toBe('记录到巡逻轨迹（请允许使用位置信息）')
    const done = shortfallOf(patrol(3), { now: start + minutes(25), fixesKept: 150 })
    expect(shortfallText(done)).toBeNull()
    expect(finishConfirmation(done)).toBe('已满足有效巡逻的要求。结束后将提交轨迹并判定本次巡逻，确定结束吗？')
  })
})
