import {
  CASE_EVENT_LABELS, type CaseOffer, type CaseDetail, type CaseEventView, type CaseView, type CategoryView,
  type DuplicateCandidate, type NearbyGrid,
} from '@anju/shared'
import type { LikelyDuplicate } from '../commands/duplicateCandidates'
import type { NearbyGridArea } from '../commands/locateGrid'
import type { CaseEventRow } from '../repositories/caseActivity'
import type { CaseRow } from '../repositories/cases'
import type { CategoryRow } from '../repositories/categories'
import type { RegionRow } from '../repositories/regions'
import type { UserRow } from '../repositories/users'
import type { UploadRow } from '../repositories/uploads'
import type { PhotoUrlFor } from '../lib/photoLinks'

/** A photo with the signed link its viewer's <image> tag loads (it cannot send our token). */
export const presentPhoto = (id: string, photoUrl: PhotoUrlFor) => ({ id, url: photoUrl(id) })

export function presentUpload(row: UploadRow, photoUrl: PhotoUrlFor) {
  return { id: row.id, url: photoUrl(row.id), contentType: row.content_type, width: row.width, height: row.height, size: row.size }
}

export function presentCategory(row: CategoryRow): CategoryView {
  return {
    code: row.code, kind: row.kind, name: row.name, colour: row.colour,
    responseSlaHours: row.response_sla_hours, resolveSlaHours: row.resolve_sla_hours, routing: row.routing_level,
    requiredFields: row.required_fields, confidential: row.confidential,
  }
}

/** Everything a case view needs beyond the row, loaded in bulk by the caller. */
export interface CaseViewContext {
  categories: Map<string, CategoryRow>
  regions: Map<number, RegionRow>
  users: Map<number, UserRow>
  /** The viewer's relation to each case, for residents. */
  relations: Map<number, 'reporter' | 'follower'>
  /** Likely duplicates the viewer may handle, by id. */
  related: Map<number, CaseRow>
  /** Whether the viewer handles each case (staff in scope, the assigned grid worker). */
  handles: (c: CaseRow) => boolean
  /** Whether the viewer may see who reported each case. */
  seesReporter: (c: CaseRow) => boolean
  actions: (c: CaseRow) => CaseOffer[]
  viewerId: number
  /** Signed photo links for this viewer. */
  photoUrl: PhotoUrlFor
  now: Date
}

const regionRef = (r: RegionRow | undefined, id: number) =>
  r ? { id: r.id, name: r.name, level: r.level } : { id, name: '', level: 'grid' as const }
const personRef = (u: UserRow | undefined) => (u ? { id: u.id, displayName: u.display_name } : null)

const OPEN_STATUSES = new Set(['submitted', 'accepted', 'dispatched', 'in_progress', 'reopened', 'escalated'])

/**
 * Whether the viewer sees only the public summary: a resident following someone else's case sees its progress,
 * never the reporter's words, photos or exact place.
 */
const seesSummaryOnly = (c: CaseRow, ctx: CaseViewContext) => c.reporter_id !== ctx.viewerId && !ctx.handles(c)

export function presentCase(c: CaseRow, ctx: CaseViewContext): CaseView {
  const summary = seesSummaryOnly(c, ctx)
  const grid = regionRef(ctx.regions.get(c.grid_id), c.grid_id)
  const related = c.related_case_id ? ctx.related.get(c.related_case_id) : undefined
  return {
    id: c.id,
    number: c.number,
    kind: c.kind,
    category: { code: c.category_code, name: ctx.categories.get(c.category_code)?.name ?? c.category_code },
    colour: c.colour,
    status: c.status,
    text: summary ? '' : c.text,
    photos: summary ? [] : c.photo_ids.map((id) => presentPhoto(id, ctx.photoUrl)),
    // About 100 m, and the grid for an address, is what a follower needs to recognise the place.
    location: summary
      ? { lat: Number(c.lat.toFixed(3)), lng: Number(c.lng.toFixed(3)), address: `${grid.name}附近`, datum: 'gcj02' }
      : { lat: c.lat, lng: c.lng, address: c.address, datum: 'gcj02' },
    plate: summary ? null : c.plate,
    anonymous: c.anonymous,
    reporter: ctx.seesReporter(c) ? personRef(ctx.users.get(c.reporter_id)) : null,
    region: regionRef(ctx.regions.get(c.region_id), c.region_id),
    grid,
    assignee: c.assignee_id ? personRef(ctx.users.get(c.assignee_id)) : null,
    occurredAt: c.occurred_at.toISOString(),
    createdAt: c.created_at.toISOString(),
    responseDueAt: c.response_due_at.toISOString(),
    resolveDueAt: c.resolve_due_at.toISOString(),
    overdue: c.response_overdue || c.resolve_overdue ||
      (OPEN_STATUSES.has(c.status) && c.resolve_due_at.getTime() < ctx.now.getTime()),
    outcome: c.outcome,
    rating: c.rating_satisfied === null ? null : { satisfied: c.rating_satisfied, comment: c.rating_comment },
    reopenCount: c.reopen_count,
    followers: c.follower_count,
    relation: ctx.relations.get(c.id) ?? null,
    visibility: summary ? 'summary' : 'full',
    relatedCase: related ? { id: related.id, number: related.number } : null,
    actions: ctx.actions(c),
  }
}

/**
 * One timeline entry. Residents are never named to anyone but themselves, except the reporter to a handler
 * allowed to see them: a follower, an anonymous reporter or a confidential clue's reporter shows as "居民".
 */
export function presentCaseEvent(e: CaseEventRow, c: CaseRow, ctx: CaseViewContext): CaseEventView {
  let actor: CaseEventView['actor'] = null
  if (e.actor_id !== null) {
    const user = ctx.users.get(e.actor_id)
    const isResident = e.actor_role === 'resident' || e.actor_role === 'volunteer'
    const named = !isResident || e.actor_id === ctx.viewerId || (e.actor_id === c.reporter_id && ctx.seesReporter(c))
    actor = named
      ? { displayName: e.actor_id === ctx.viewerId && isResident ? '我' : (user?.display_name ?? ''), role: e.actor_role }
      : { displayName: '居民', role: 'resident' }
  }
  // What a resident adds to someone else's case (a follow) is for its handlers: another resident sees that it
  // happened, not what was said or shown. A summary viewer sees no notes or photos but their own.
  const privateToAuthor = e.actor_id !== ctx.viewerId && !ctx.handles(c) && (e.kind === 'follow' || seesSummaryOnly(c, ctx))
  return {
    id: e.id,
    kind: e.kind,
    label: CASE_EVENT_LABELS[e.kind],
    fromStatus: e.from_status,
    toStatus: e.to_status,
    actor,
    note: privateToAuthor ? null : e.note,
    photos: privateToAuthor ? [] : e.photo_ids.map((id) => presentPhoto(id, ctx.photoUrl)),
    createdAt: e.created_at.toISOString(),
  }
}

export function presentCaseDetail(c: CaseRow, events: CaseEventRow[], ctx: CaseViewContext): CaseDetail {
  return { ...presentCase(c, ctx), timeline: events.map((e) => presentCaseEvent(e, c, ctx)) }
}

export function presentDuplicateCandidate(c: LikelyDuplicate, categoryName: string, region: RegionRow | undefined): DuplicateCandidate {
  return {
    id: c.id,
    number: c.number,
    category: { code: c.category_code, name: categoryName },
    status: c.status,
    createdAt: c.created_at.toISOString(),
    distanceM: Math.round(c.distanceM / 10) * 10,
    followers: c.follower_count,
    region: regionRef(region, c.region_id),
  }
}

export function presentNearbyGrid(area: NearbyGridArea, grid: RegionRow, community: RegionRow | null): NearbyGrid {
  return {
    grid: regionRef(grid, grid.id),
    community: community ? regionRef(community, community.id) : null,
    inside: area.inside,
    distanceM: area.distanceM,
    polygon: area.polygon.map(([lat, lng]) => [lat, lng] as [number, number]),
  }
}
