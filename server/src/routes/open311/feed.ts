import { FINAL_CASE_STATUSES, RESOLUTION_OUTCOME_LABELS, type CaseStatus } from '@anju/shared'
import type { Queryable } from '../../db/knex'
import { gcj02ToWgs84 } from '../../lib/geo'
import { maskIdentifyingDetails } from '../../lib/redact'
import type { CaseRow } from '../../repositories/cases'
import { categoriesRepo } from '../../repositories/categories'
import { regionsRepo } from '../../repositories/regions'

/** What an anonymous report shows in a public feed instead of the reporter's words. */
export const ANONYMOUS_DESCRIPTION = '匿名反映，内容不公开'

/** Three decimals of a degree: about 111 m north–south and 98 m east–west here, never the reporter's doorstep. */
const coarse = (degrees: number) => Math.round(degrees * 1000) / 1000

export interface FeedContext {
  serviceNames: Map<string, string>
  regionNames: Map<number, string>
  /** The public address of a case's first photo, for cases whose reporter agreed to show them. */
  mediaUrl: (uploadId: string) => string
}

/** Loads, in bulk, the names the public views of these cases need. */
export async function feedContext(db: Queryable, cases: CaseRow[], mediaUrl: FeedContext['mediaUrl']): Promise<FeedContext> {
  const categories = await categoriesRepo.findByCodes(db, [...new Set(cases.map((c) => c.category_code))])
  const regions = await regionsRepo.findByIds(db, [...new Set(cases.flatMap((c) => [c.region_id, c.grid_id]))])
  return {
    serviceNames: new Map(categories.map((c) => [c.code, c.name])),
    regionNames: new Map(regions.map((r) => [r.id, r.name])),
    mediaUrl,
  }
}

/**
 * A case as a public feed may carry it (GeoReport v2 fields): the service, the status, where to about 100 m
 * (WGS84) and the grid it is in rather than the address; the reporter's words with phone numbers, ID numbers and
 * plates masked, or nothing at all for an anonymous report; a photo only when the reporter agreed.
 */
export function publicRequest(c: CaseRow, f: FeedContext) {
  const [lat, long] = gcj02ToWgs84(c.lat, c.lng)
  return {
    service_request_id: c.number,
    status: (FINAL_CASE_STATUSES as CaseStatus[]).includes(c.status) ? 'closed' : 'open',
    status_notes: c.status === 'rejected' ? '不予受理' : c.outcome ? RESOLUTION_OUTCOME_LABELS[c.outcome] : null,
    service_name: f.serviceNames.get(c.category_code) ?? c.category_code,
    service_code: c.category_code,
    description: c.anonymous ? ANONYMOUS_DESCRIPTION : maskIdentifyingDetails(c.text),
    agency_responsible: f.regionNames.get(c.region_id) ?? null,
    service_notice: null,
    requested_datetime: c.created_at.toISOString(),
    updated_datetime: c.updated_at.toISOString(),
    expected_datetime: c.resolve_due_at.toISOString(),
    address: f.regionNames.get(c.grid_id) ?? null,
    address_id: null,
    zipcode: null,
    lat: coarse(lat),
    long: coarse(long),
    media_url: c.photos_public && c.photo_ids[0] ? f.mediaUrl(c.photo_ids[0]) : null,
  }
}
