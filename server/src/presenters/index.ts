import type { RegionView, ResidentSummary, UserView } from '@anju/shared'
import type { RegionRow } from '../repositories/regions'
import type { ResidentRow } from '../repositories/residents'
import type { UserRow } from '../repositories/users'

/** Dates come back as Date (MySQL) or epoch milliseconds (SQLite); the API speaks ISO 8601. */
export function isoTime(value: Date | number | string): string {
  return new Date(value).toISOString()
}

export function presentRegion(row: RegionRow): RegionView {
  return { id: row.id, parentId: row.parent_id, level: row.level, name: row.name, code: row.code }
}

/** A region as other resources name it. */
export function presentRegionRef(row: RegionRow) {
  return { id: row.id, name: row.name, level: row.level }
}

/** Allowlists what an account shows of itself: never openid, password hash or session key. */
export function presentUser(row: UserRow, region: RegionRow | undefined): UserView {
  return {
    id: row.id,
    displayName: row.display_name,
    role: row.role,
    region: region ? { id: region.id, name: region.name, level: region.level } : null,
    createdAt: isoTime(row.created_at),
  }
}

/** A resident as staff see them when choosing whom an award is for. */
export function presentResident(row: ResidentRow): ResidentSummary {
  return {
    id: row.id,
    displayName: row.display_name,
    community: { id: row.region_id, name: row.region_name, level: row.region_level },
  }
}

/** A password account as administrators see it, with what they may do to it now. */
