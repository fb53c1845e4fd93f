import type { Queryable } from '../../db/knex'
import type { LikelyDuplicate } from '../../commands/duplicateCandidates'
import type { NearbyGridArea } from '../../commands/locateGrid'
import { allowedCaseActions, canHandle, caseResource } from '../../commands/transitionCase'
import type { PhotoLinks } from '../../lib/photoLinks'
import { can, type Actor } from '../../policies'
import { presentCase, presentCaseDetail, presentDuplicateCandidate, presentNearbyGrid, type CaseViewContext } from '../../presenters/cases'
import { caseEventsRepo, caseFollowersRepo, type CaseEventRow } from '../../repositories/caseActivity'
import { casesRepo, type CaseRow } from '../../repositories/cases'
import { categoriesRepo } from '../../repositories/categories'
import { idsOnPath, regionsRepo } from '../../repositories/regions'
import { usersRepo, type UserRow } from '../../repositories/users'

/**
 * What the caller has read already and need not be read again: users rows (the viewer's own, read when the
 * request was authenticated) and the viewer's relation to every case presented (a resident's list comes with it).
 */
export interface KnownForCases {
  users?: UserRow[]
  relations?: CaseViewContext['relations']
}

async function usersByIds(db: Queryable, ids: number[], known: UserRow[] = []) {
  const byId = new Map(known.map((u) => [u.id, u]))
  for (const u of await usersRepo.findByIds(db, ids.filter((id) => !byId.has(id)))) byId.set(u.id, u)
  return byId
}

/** Loads, in bulk, what presenting these cases to `actor` needs. */
async function contextFor(
  db: Queryable, actor: Actor, links: PhotoLinks, cases: CaseRow[], events: CaseEventRow[] = [], known: KnownForCases = {},
): Promise<CaseViewContext> {
  const categories = await categoriesRepo.shownByCodes(db, cases.map((c) => c.category_code))
  const regions = await regionsRepo.shownByIds(db, cases.flatMap((c) => [c.region_id, c.grid_id]))
  const users = await usersByIds(db, [
    ...cases.flatMap((c) => [c.reporter_id, ...(c.assignee_id ? [c.assignee_id] : [])]),
    ...events.flatMap((e) => (e.actor_id ? [e.actor_id] : [])),
  ], known.users)
  const relations = known.relations ??
    new Map((await caseFollowersRepo.findForUser(db, actor.id, cases.map((c) => c.id))).map((f) => [f.case_id, f.relation]))
  const handles = (c: CaseRow) => canHandle(actor, c)
  // A likely duplicate is named only to someone who may handle both cases.
  const related = await casesRepo.findByIds(db, [...new Set(cases.filter(handles).flatMap((c) => (c.related_case_id ? [c.related_case_id] : [])))])
  return {
    categories: new Map(categories.map((c) => [c.code, c])),
    regions: new Map(regions.map((r) => [r.id, r])),
    users,
    relations,
    related: new Map(related.filter(handles).map((r) => [r.id, r])),
    handles,
    seesReporter: (c) => c.reporter_id === actor.id || can(actor, 'case.seeReporter', caseResource(c)),
    actions: (c) => allowedCaseActions(actor, c),
    viewerId: actor.id,
    photoUrl: links.forViewer(actor.id),
    now: new Date(),
  }
}

/** Cases as `actor` may see them; `links` signs their photos for this viewer only. */
export async function caseViews(db: Queryable, actor: Actor, links: PhotoLinks, cases: CaseRow[], known: KnownForCases = {}) {
  const ctx = await contextFor(db, actor, links, cases, [], known)
  return cases.map((c) => presentCase(c, ctx))
}

export async function caseView(db: Queryable, actor: Actor, links: PhotoLinks, c: CaseRow) {
  return (await caseViews(db, actor, links, [c]))[0]!
}

export async function caseDetailView(db: Queryable, actor: Actor, links: PhotoLinks, c: CaseRow, known: KnownForCases = {}) {
  const events = await caseEventsRepo.listForCase(db, c.id)
  return presentCaseDetail(c, events, await contextFor(db, actor, links, [c], events, known))
}

/** Candidates as a resident may see them: category, status, when, how far, and who handles it. */
export async function duplicateCandidateViews(db: Queryable, cases: LikelyDuplicate[]) {
  const categories = await categoriesRepo.shownByCodes(db, cases.map((c) => c.category_code))
  const regions = await regionsRepo.shownByIds(db, cases.map((c) => c.region_id))
  const names = new Map(categories.map((c) => [c.code, c.name]))
  const byId = new Map(regions.map((r) => [r.id, r]))
  return cases.map((c) => presentDuplicateCandidate(c, names.get(c.category_code) ?? c.category_code, byId.get(c.region_id)))
}

/** Each nearby grid with the community above it. */
export async function nearbyGridViews(db: Queryable, areas: NearbyGridArea[]) {
  const grids = await regionsRepo.findByIds(db, areas.map((a) => a.gridId))
  const communities = await regionsRepo.findByIds(db, [...new Set(grids.flatMap((g) => idsOnPath(g.path)))])
  const byId = new Map([...grids, ...communities].map((r) => [r.id, r]))
  return areas.flatMap((area) => {
    const grid = byId.get(area.gridId)
    if (!grid) return []
    const community = idsOnPath(grid.path).map((id) => byId.get(id)).find((r) => r?.level === 'community') ?? null
    return [presentNearbyGrid(area, grid, community)]
  })
}
