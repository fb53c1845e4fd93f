import { REGION_LEVEL_LABELS, type RegionRef, type RegionView } from '@anju/shared'

/** Who can redeem a reward, as staff read it: a community by name, a wider region as 「…全市通用」. */
export function scopeLabel(region: RegionRef): string {
  return region.level === 'community' ? region.name : `${region.name} · 全${REGION_LEVEL_LABELS[region.level]}通用`
}

export interface ScopeOption {
  id: number
  label: string
}

/**
 * The regions a reward may be put in, from the staff member's own subtree (GET /api/regions, in tree order).
 * Residents belong to a community and see the rewards of their community and every region above it, so a
 * grid-level reward would reach nobody: grids are left out. Communities carry their street's name, so two
 * 「新村社区」 can be told apart. Wider regions are worded by `labelOf` (「…全市通用」 for rewards).
 */
export function scopeOptions(regions: RegionView[], labelOf: (region: RegionView) => string = scopeLabel): ScopeOption[] {
  const byId = new Map(regions.map((r) => [r.id, r]))
  return regions
    .filter((r) => r.level !== 'grid')
    .map((r) => {
      const parent = r.parentId === null ? undefined : byId.get(r.parentId)
      if (r.level === 'community' && parent) return { id: r.id, label: `${parent.name} · ${r.name}` }
      return { id: r.id, label: labelOf(r) }
    })
}
