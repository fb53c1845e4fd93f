import type { CaseColour, RegionLevel, ReportKind, RequiredField } from '@anju/shared'
import { regionsRepo } from '../../repositories/regions'
import type { Db, Queryable } from '../knex'

export interface CategorySeed {
  code: string
  kind: ReportKind
  name: string
  colour: CaseColour
  responseSlaHours: number
  resolveSlaHours: number
  routing: RegionLevel
  requiredFields: RequiredField[]
  /** The award rule the category starts with at every top-level region (诉求办结 or 核查属实). */
  points: number
  confidential?: boolean
}

/** SPEC "Intake: one door in": the seed categories. Admin may change colour, SLA and routing; points are award rules. */
export const SEED_CATEGORIES: CategorySeed[] = [
  { code: 'neighbour_dispute', kind: 'complaint', name: '邻里纠纷', colour: 'green', responseSlaHours: 24, resolveSlaHours: 168, routing: 'community', requiredFields: [], points: 2 },
  { code: 'property', kind: 'complaint', name: '物业管理', colour: 'green', responseSlaHours: 24, resolveSlaHours: 120, routing: 'community', requiredFields: [], points: 2 },
  { code: 'sanitation', kind: 'complaint', name: '环境卫生', colour: 'green', responseSlaHours: 12, resolveSlaHours: 72, routing: 'grid', requiredFields: [], points: 2 },
  { code: 'noise', kind: 'complaint', name: '噪音扰民', colour: 'yellow', responseSlaHours: 4, resolveSlaHours: 48, routing: 'grid', requiredFields: [], points: 2 },
  { code: 'facility_damage', kind: 'complaint', name: '公共设施损坏', colour: 'yellow', responseSlaHours: 12, resolveSlaHours: 72, routing: 'grid', requiredFields: [], points: 3 },
  { code: 'complaint_other', kind: 'complaint', name: '其他诉求', colour: 'green', responseSlaHours: 24, resolveSlaHours: 168, routing: 'community', requiredFields: [], points: 1 },
  { code: 'illegal_parking', kind: 'violation', name: '违章停车', colour: 'yellow', responseSlaHours: 2, resolveSlaHours: 24, routing: 'grid', requiredFields: ['plate'], points: 5 },
  { code: 'thrown_from_vehicle', kind: 'violation', name: '车窗抛物', colour: 'yellow', responseSlaHours: 24, resolveSlaHours: 72, routing: 'community', requiredFields: ['plate', 'photo'], points: 10 },
  { code: 'street_vending', kind: 'violation', name: '占道经营', colour: 'green', responseSlaHours: 4, resolveSlaHours: 48, routing: 'grid', requiredFields: [], points: 5 },
  { code: 'illegal_construction', kind: 'violation', name: '违法建设', colour: 'red', responseSlaHours: 4, resolveSlaHours: 72, routing: 'community', requiredFields: ['photo'], points: 10 },
  { code: 'work_safety', kind: 'hazard', name: '安全生产', colour: 'red', responseSlaHours: 2, resolveSlaHours: 24, routing: 'community', requiredFields: [], points: 20 },
  { code: 'fire_safety', kind: 'hazard', name: '消防安全', colour: 'red', responseSlaHours: 1, resolveSlaHours: 24, routing: 'community', requiredFields: [], points: 20 },
  { code: 'public_security', kind: 'hazard', name: '治安隐患', colour: 'yellow', responseSlaHours: 4, resolveSlaHours: 48, routing: 'community', requiredFields: [], points: 10 },
  { code: 'drug_clue', kind: 'hazard', name: '涉毒线索', colour: 'red', responseSlaHours: 1, resolveSlaHours: 72, routing: 'street', requiredFields: [], points: 50, confidential: true },
]

/** Demo grid areas around 建设路街道, Xiangtan (GCJ-02), as [lat, lng] rings. */
export const DEMO_GRID_AREAS: Record<string, [number, number][]> = {
  'XT-YT-JSL-XFL-G1': [[27.858, 112.936], [27.858, 112.944], [27.866, 112.944], [27.866, 112.936]],
  'XT-YT-JSL-XFL-G2': [[27.858, 112.944], [27.858, 112.952], [27.866, 112.952], [27.866, 112.944]],
  'XT-YT-JSL-HP-G1': [[27.850, 112.936], [27.850, 112.952], [27.858, 112.952], [27.858, 112.936]],
}

/**
 * Inserts the seed categories that are missing, and each one's award rule at every top-level region that has
 * no rule for it yet; never overwrites what an admin changed.
 */
export async function seedCategories(db: Queryable): Promise<void> {
  let order = 0
  for (const c of SEED_CATEGORIES) {
    order += 10
    await db('case_categories')
      .insert({
        code: c.code, kind: c.kind, name: c.name, colour: c.colour,
        response_sla_hours: c.responseSlaHours, resolve_sla_hours: c.resolveSlaHours,
        routing_level: c.routing, required_fields: JSON.stringify(c.requiredFields),
        confidential: c.confidential ?? false, active: true, sort_order: order, updated_at: new Date(),
      })
      .onConflict('code')
      .ignore()
  }
  const roots = await db('regions').whereNull('parent_id').select('id')
  for (const root of roots) {
    for (const c of SEED_CATEGORIES) {
      await db('award_rules')
        .insert({ region_id: root.id, kind: c.kind, category_code: c.code, points: c.points, auto_approve: false, updated_at: new Date() })
        .onConflict(['region_id', 'kind', 'category_code'])
        .ignore()
    }
  }
}

export function gridAreaRow(regionId: number, ring: [number, number][]) {
  const lats = ring.map((p) => p[0])
  const lngs = ring.map((p) => p[1])
  return {
    region_id: regionId,
    polygon: JSON.stringify(ring),
    min_lat: Math.min(...lats), max_lat: Math.max(...lats),
    min_lng: Math.min(...lngs), max_lng: Math.max(...lngs),
    centre_lat: lats.reduce((a, b) => a + b, 0) / lats.length,
    centre_lng: lngs.reduce((a, b) => a + b, 0) / lngs.length,
    updated_at: new Date(),
  }
}

/** Idempotent: categories and the demo grids' areas. */
export async function seedGridLoop(db: Db): Promise<void> {
  await db.transaction(async (trx) => {
    await seedCategories(trx)
    for (const [code, ring] of Object.entries(DEMO_GRID_AREAS)) {
      const grid = await regionsRepo.findByCode(trx, code)
      if (!grid) continue
      await trx('grid_areas').insert(gridAreaRow(grid.id, ring)).onConflict('region_id').ignore()
    }
  })
}
