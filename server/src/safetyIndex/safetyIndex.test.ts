import { SafetyIndicatorsInput, type SafetyIndicator } from '@anju/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMonths, chinaMonthKey } from '../lib/chinaTime'
import { regionsRepo } from '../repositories/regions'
import { safetyIndexRepo } from '../repositories/safetyIndex'
import { testDatabaseKinds } from '../testing/databases'
import { startTestServer, type TestServer } from '../testing/server'
import { DEFAULT_SAFETY_INDICATORS, computeSafetyIndex, recompute, scoreOf } from './index'

const indicator = (i: Partial<SafetyIndicator> & Pick<SafetyIndicator, 'code' | 'name'>): SafetyIndicator => ({
  parentCode: null, weight: 1, direction: 'lower_better', source: null, categoryCodes: [], target: 0, limit: 1, explanation: '', ...i,
})

describe('the index of one month, computed by hand', () => {
  // Two primaries: A (weight 3) with a manual count a1 (weight 2, 100 at 0, 0 at 1 per grid) and a case count a2
  // (weight 1, 0 at 4 per grid); B (weight 1) with the satisfaction rate b1 (100 at 0.9, 0 at 0.5). Two grids.
  const config = [
    indicator({ code: 'a', name: 'A', weight: 3 }),
    indicator({ code: 'b', name: 'B', weight: 1, direction: 'higher_better', target: 1, limit: 0 }),
    indicator({ code: 'a1', name: 'a1', parentCode: 'a', weight: 2, source: 'manual', target: 0, limit: 1 }),
    indicator({ code: 'a2', name: 'a2', parentCode: 'a', weight: 1, source: 'cases', categoryCodes: ['noise'], target: 0, limit: 4 }),
    indicator({ code: 'b1', name: 'b1', parentCode: 'b', weight: 1, direction: 'higher_better', source: 'satisfaction', target: 0.9, limit: 0.5 }),
  ]

  it('scores each indicator on its line, weighs them into primaries and the primaries into the index', () => {
    // a1: 1 entered / 2 grids = 0.5 → 50.  a2: 6 cases / 2 grids = 3 → (4 − 3) / 4 = 25.  b1: 0.8 → (0.5 − 0.8) / (0.5 − 0.9) = 75.
    // A = (2·50 + 1·25) / 3 = 41.667.  B = 75.  Index = (3·41.667 + 1·75) / 4 = 50.0.
    const result = computeSafetyIndex(config, { a1: 1, a2: 6, b1: 0.8 }, 2)
    expect(result.score).toBe(50)
    expect(result.primaries.map((p) => [p.code, p.score])).toEqual([['a', 41.7], ['b', 75]])
    expect(result.primaries[0]!.indicators.map((i) => [i.code, i.value, i.score])).toEqual([['a1', 0.5, 50], ['a2', 3, 25]])
  })

  it('leaves out an indicator with no data and shares its weight, and clamps at 0 and 100', () => {
    // Nobody rated a case: B drops out and the index is A's alone.
    expect(computeSafetyIndex(config, { a1: 1, a2: 6, b1: null }, 2).score).toBe(41.7)
    expect(scoreOf(9, 0, 4)).toBe(0)
    expect(scoreOf(0.97, 0.9, 0.5)).toBe(100)
    expect(scoreOf(0.7, 0.9, 0.5)).toBeCloseTo(50)
  })

  it('ships a default configuration that passes its own checks: four primaries, ten secondaries', () => {
    expect(SafetyIndicatorsInput.safeParse({ items: DEFAULT_SAFETY_INDICATORS }).success).toBe(true)
    expect(DEFAULT_SAFETY_INDICATORS.filter((i) => i.parentCode === null).map((i) => i.name)).toEqual(['治安', '交通', '消防', '群众感受'])
    expect(DEFAULT_SAFETY_INDICATORS.filter((i) => i.parentCode !== null)).toHaveLength(10)
  })

  it('refuses configurations that cannot be computed', () => {
    const bad = (items: SafetyIndicator[]) => SafetyIndicatorsInput.safeParse({ items }).error?.issues.map((i) => i.message)
    expect(bad([...config, indicator({ code: 'c1', name: 'c1', parentCode: 'zz', source: 'manual' })])).toContain('所属一级指标不存在')
    expect(bad(config.map((i) => (i.code === 'a2' ? { ...i, target: 5 } : i)))).toContain('越低越好的指标：满分值须小于零分值')
    expect(bad([...config, indicator({ code: 'c', name: 'C' })])).toContain('一级指标「C」下没有二级指标')
  })
})

describe.each(testDatabaseKinds())('平安指数 over HTTP on %s', (kind) => {
  let s: TestServer
  let centre: string
  let jslId = 0
  const lastMonth = addMonths(chinaMonthKey(new Date()), -1)

  beforeAll(async () => {
    s = await startTestServer(kind)
    centre = await s.http.staffToken('centre')
    jslId = (await regionsRepo.findByCode(s.database.db, 'XT-YT-JSL'))!.id
  })
  afterAll(async () => {
    await s?.close()
  })

  it('publishes a street\'s month once its figures are entered, as computed by hand', async () => {
    const preview = await s.http.get(`/api/console/safety-index?regionId=${jslId}&month=${lastMonth}`, { token: centre })
    expect(preview.status).toBe(200)
    expect(preview.body).toMatchObject({ gridCount: 3, monthEnded: true, published: null })
    expect(preview.body.missing).toEqual(['命案', '伤害案件', '黄赌毒', '交通事故', '火灾事故'])

    const early = await s.http.post('/api/console/safety-index/publish', { regionId: jslId, month: lastMonth }, { token: centre })
    expect(early.status).toBe(409)
    expect(early.body.error.code).toBe('SAFETY_INDEX_INPUT_MISSING')
    expect(early.body.error.details.missing).toHaveLength(5)

    const values = [
      { code: 'homicide', value: 0 }, { code: 'injury', value: 3 }, { code: 'vice', value: 1 }, { code: 'traffic_accidents', value: 6 }, { code: 'fires', value: 0 },
    ]
    const entered = await s.http.request('PUT', '/api/console/safety-index/inputs', { regionId: jslId, month: lastMonth, values }, { token: centre })
    expect(entered.status).toBe(200)
    expect(entered.body.missing).toEqual([])
    const computed = await s.http.request('PUT', '/api/console/safety-index/inputs', { regionId: jslId, month: lastMonth, values: [{ code: 'satisfaction', value: 1 }] }, { token: centre })
    expect(computed.status).toBe(400)

    const key = `publish-${lastMonth}`
    const published = await s.http.post('/api/console/safety-index/publish', { regionId: jslId, month: lastMonth }, { token: centre, idempotencyKey: key })
    expect(published.status).toBe(200)
    // Three grids, no case last month. 治安: 命案 0 → 100; 伤害 3/3 = 1 ≥ 0.5 → 0; 黄赌毒 1/3 → (0.5 − 0.333)/0.5 = 33.33; 治安隐患 0 → 100:
    //   (30·100 + 25·0 + 20·33.33 + 25·100) / 100 = 61.67.  交通: 事故 6/3 = 2 ≥ 1 → 0; 违法反映 0 → 100: 50.  消防: 100.
    //   群众感受: no case to rate or close, left out.  Index = (35·61.67 + 25·50 + 20·100) / 80 = 67.6.
    expect(published.body.score).toBe(67.6)
    expect(published.body.result.primaries.map((p: { name: string; score: number | null }) => [p.name, p.score]))
      .toEqual([['治安', 61.7], ['交通', 50], ['消防', 100], ['群众感受', null]])
    const again = await s.http.post('/api/console/safety-index/publish', { regionId: jslId, month: lastMonth }, { token: centre, idempotencyKey: key })
    expect(again.headers.get('idempotent-replayed')).toBe('true')

    // Reproducible: recomputed from what was stored, even after the indicators change.
    const stored = (await safetyIndexRepo.publication(s.database.db, jslId, lastMonth))!
    expect(recompute(stored.detail)).toEqual(stored.detail.result)
    expect(stored.detail.raws).toMatchObject({ injury: 3, traffic_accidents: 6, security_hazards: 0, satisfaction: null })
  })

  it('publishes only months that have ended, only in the centre\'s own area, and for centres and administrators', async () => {
    const current = await s.http.post('/api/console/safety-index/publish', { regionId: jslId, month: chinaMonthKey(new Date()) }, { token: centre })
    expect(current.status).toBe(409)
    expect(current.body.error.code).toBe('SAFETY_INDEX_MONTH_OPEN')
    const district = await regionsRepo.findByCode(s.database.db, 'XT-YT')
    const other = await regionsRepo.insert(s.database.db, { parent: district!, level: 'street', name: '书院路街道', code: 'XT-YT-SYL' })
    expect((await s.http.get(`/api/console/safety-index?regionId=${other.id}&month=${lastMonth}`, { token: centre })).status).toBe(404)
    expect((await s.http.post('/api/console/safety-index/publish', { regionId: other.id, month: lastMonth }, { token: centre })).status).toBe(404)
    expect((await s.http.post('/api/console/safety-index/publish', { regionId: jslId, month: lastMonth }, { token: await s.http.staffToken('staff') })).status).toBe(403)
  })

  it('shows residents their community\'s index, or the nearest published one above it', async () => {
    const resident = await s.make.resident('XT-YT-JSL-XFL')
    const res = await s.http.get('/api/safety-index', { token: resident.token })
    expect(res.status).toBe(200)
    expect(res.body.region).toMatchObject({ name: '建设路街道' })
    expect(res.body.latest).toMatchObject({ month: lastMonth, score: 67.6 })
    expect(res.body.trend).toEqual([{ month: lastMonth, score: 67.6 }])
    const elsewhere = await s.make.resident('XT-YT-JSL-HP')
    expect((await s.http.get('/api/safety-index', { token: elsewhere.token })).body.latest.score).toBe(67.6)
  })

  it('lets administrators change the indicators, and no one else', async () => {
    const current = (await s.http.get('/api/console/safety-index/indicators', { token: centre })).body.items as SafetyIndicator[]
    expect(current).toHaveLength(14)
    const reweighted = current.map((i) => (i.code === 'public_order' ? { ...i, weight: 50 } : i))
    expect((await s.http.request('PUT', '/api/admin/safety-index/indicators', { items: reweighted }, { token: centre })).status).toBe(403)
    const admin = await s.http.staffToken('admin')
    const broken = await s.http.request('PUT', '/api/admin/safety-index/indicators', { items: current.filter((i) => i.parentCode !== 'fire') }, { token: admin })
    expect(broken.status).toBe(400)
    const saved = await s.http.request('PUT', '/api/admin/safety-index/indicators', { items: reweighted }, { token: admin })
    expect(saved.status).toBe(200)
    expect(saved.body.items.find((i: SafetyIndicator) => i.code === 'public_order').weight).toBe(50)
    // The published month keeps the configuration it was computed with.
    const stored = (await safetyIndexRepo.publication(s.database.db, jslId, lastMonth))!
    expect(stored.detail.indicators.find((i) => i.code === 'public_order')!.weight).toBe(35)
    expect(recompute(stored.detail).score).toBe(67.6)
  })
})
