import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { regionsRepo } from '../../repositories/regions'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../testing/databases'
import { down, up } from './20261126_12x_001_category_award_rules'

describe.each(testDatabaseKinds())('category points become award rules on %s', (kind) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await createTestDatabase(kind)
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('turns each category\'s points into a rule at every top-level region, keeping a rule already set', async () => {
    // The schema as it was before: categories with points of their own.
    await down(t.db)
    const city = await regionsRepo.insert(t.db, { parent: null, level: 'city', name: '甲市', code: 'A' })
    const other = await regionsRepo.insert(t.db, { parent: null, level: 'city', name: '乙市', code: 'B' })
    const row = (code: string, kindOf: string, points: number) => ({
      code, kind: kindOf, name: code, colour: 'green', response_sla_hours: 24, resolve_sla_hours: 72, routing_level: 'grid',
      required_fields: '[]', points, confidential: false, active: true, sort_order: 1, updated_at: new Date(),
    })
    await t.db('case_categories').insert([row('noise', 'complaint', 2), row('parking', 'violation', 5), row('other', 'complaint', 0)])
    await t.db('award_rules').insert({ region_id: other.id, kind: 'violation', category_code: 'parking', points: 8, auto_approve: true, updated_at: new Date() })

    await up(t.db)
    const rules = (await t.db('award_rules').orderBy(['region_id', 'category_code'])).map((r) => [Number(r.region_id), r.kind, r.category_code, Number(r.points)])
    expect(rules).toEqual([
      [city.id, 'complaint', 'noise', 2], [city.id, 'violation', 'parking', 5],
      [other.id, 'complaint', 'noise', 2], [other.id, 'violation', 'parking', 8],
    ])
    expect(Object.keys(await t.db('case_categories').columnInfo())).not.toContain('points')
  })
})
