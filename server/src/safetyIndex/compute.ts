import type { SafetyIndexResult, SafetyIndicator } from '@anju/shared'

/**
 * The 平安指数 of one region and month, from the configured indicators and their raw values. Pure, so a
 * published month can be recomputed from what was stored with it.
 *
 * - A count (cases in the region in given categories, or a figure the centre entered) is scored per grid:
 *   value = count / number of grids in the region, so a street and a community compare on one scale.
 *   A rate (satisfaction, completion) is scored as it is (0–1).
 * - A secondary indicator scores 100 at its target and 0 at its limit, on a straight line between, clamped:
 *   score = 100 × clamp((limit − value) / (limit − target), 0, 1). That holds for both directions: "lower is
 *   better" has target < limit, "higher is better" target > limit.
 * - A primary indicator is the weighted mean of its secondaries' scores; the index is the weighted mean of the
 *   primaries. An indicator without data (a rate with no case to rate) is left out and its weight shared
 *   among the others of its level.
 * - Scores are rounded to one decimal only when shown: every mean is taken over unrounded scores.
 */
export function scoreOf(value: number, target: number, limit: number): number {
  const t = (limit - value) / (limit - target)
  return 100 * Math.min(1, Math.max(0, t))
}

const isCount = (i: SafetyIndicator) => i.source === 'cases' || i.source === 'manual'
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10)
const round4 = (v: number | null) => (v === null ? null : Math.round(v * 10000) / 10000)

function weightedMean(parts: { weight: number; score: number | null }[]): number | null {
  const scored = parts.filter((p) => p.score !== null)
  const weights = scored.reduce((s, p) => s + p.weight, 0)
  return weights === 0 ? null : scored.reduce((s, p) => s + p.weight * p.score!, 0) / weights
}

export function computeSafetyIndex(
  indicators: SafetyIndicator[],
  raws: Record<string, number | null>,
  gridCount: number,
): SafetyIndexResult {
  const primaries = indicators.filter((i) => i.parentCode === null).map((p) => {
    const secondaries = indicators.filter((i) => i.parentCode === p.code).map((i) => {
      const raw = raws[i.code] ?? null
      const value = raw === null ? null : isCount(i) ? raw / Math.max(1, gridCount) : raw
      return { indicator: i, raw, value, score: value === null ? null : scoreOf(value, i.target, i.limit) }
    })
    return { primary: p, secondaries, score: weightedMean(secondaries.map((s) => ({ weight: s.indicator.weight, score: s.score }))) }
  })
  const score = weightedMean(primaries.map((p) => ({ weight: p.primary.weight, score: p.score })))
  return {
    score: round1(score),
    primaries: primaries.map((p) => ({
      code: p.primary.code, name: p.primary.name, weight: p.primary.weight, score: round1(p.score),
      indicators: p.secondaries.map((s) => ({
        code: s.indicator.code, name: s.indicator.name, weight: s.indicator.weight, source: s.indicator.source!,
        direction: s.indicator.direction, explanation: s.indicator.explanation,
        raw: round4(s.raw), value: round4(s.value), score: round1(s.score),
      })),
    })),
  }
}
