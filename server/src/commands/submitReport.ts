import type { Config } from '../config'
import type { Trx } from '../db/knex'
import { errors } from '../errors'
import { caseDayKey, caseNumberFor } from '../lib/caseNumbers'
import type { Actor } from '../policies'
import { caseFollowersRepo } from '../repositories/caseActivity'
import { casesRepo, type CaseRow } from '../repositories/cases'
import { categoriesRepo, type CategoryRow } from '../repositories/categories'
import { idsOnPath, regionsRepo, type RegionRow } from '../repositories/regions'
import { uploadsRepo } from '../repositories/uploads'
import type { z } from 'zod'
import type { SubmitReportInput as SubmitReportSchema } from '@anju/shared'
import { enforceReportRateLimit } from '../rateLimits/reports'
import { likelyDuplicates, offeredToResidents } from './duplicateCandidates'
import { gridForReport } from './locateGrid'
import { recordCaseFigures } from '../rollups'
import { recordCaseEvent } from './recordCaseEvent'

type Input = z.output<typeof SubmitReportSchema>

const HOUR_MS = 60 * 60 * 1000
/** Phones' clocks drift; a few minutes "in the future" is still now. */
const CLOCK_SKEW_MS = 5 * 60 * 1000

/** The region that first handles a case of this category: the grid's ancestor at the routing level. */
function routedRegion(grid: RegionRow, ancestors: RegionRow[], category: CategoryRow): RegionRow {
  return ancestors.find((r) => r.level === category.routing_level) ?? grid
}

/**
 * A resident's report: validated against its category, located in a grid (or the nearby grid the resident
 * chose), and opened as a new case — linked, for its handlers, to an open case it probably repeats — or, when
 * the resident confirmed it is the same problem as an offered case, added to that case as a follow.
 */
export async function submitReport({
  trx, actor, input, limits, now = new Date(),
}: { trx: Trx; actor: Actor; input: Input; limits: Config['gridLoop']; now?: Date }): Promise<{ caseId: number; duplicate: boolean }> {
  const category = await categoriesRepo.findByCode(trx, input.categoryCode)
  if (!category || !category.active) throw errors.categoryUnknown()
  if (category.kind !== input.kind) throw errors.categoryKindMismatch()
  if (category.required_fields.includes('plate') && !input.plate) throw errors.plateRequired()
  if (category.required_fields.includes('photo') && input.photoIds.length === 0) throw errors.photoRequired()
  const occurredAt = new Date(input.occurredAt)
  if (occurredAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw errors.occurredAtInvalid()
  await enforceReportRateLimit(trx, actor.id, limits, now)

  const duplicates = await likelyDuplicates(trx, { ...input.location, categoryCode: category.code, plate: input.plate }, now)
  if (input.followCaseId !== undefined) {
    // 是同一问题: only a case this report could have been offered, so an id cannot reach any other case.
    const target = duplicates.find((c) => c.id === input.followCaseId && offeredToResidents(c))
    if (!target) throw errors.caseNotFollowable()
    await followCase(trx, actor, target, input, now)
    return { caseId: target.id, duplicate: true }
  }

  const grid = (await regionsRepo.findById(trx, await gridForReport(trx, input.location.lat, input.location.lng, input.gridId)))!
  const region = routedRegion(grid, await regionsRepo.findByIds(trx, idsOnPath(grid.path)), category)
  const day = caseDayKey(now)
  const number = caseNumberFor(day, await casesRepo.nextSequence(trx, day))
  const caseId = await casesRepo.insert(trx, {
    number, kind: category.kind, categoryCode: category.code, colour: category.colour, text: input.text,
    lat: input.location.lat, lng: input.location.lng, address: input.location.address, plate: input.plate ?? null,
    photoIds: input.photoIds, anonymous: input.anonymous, confidential: category.confidential, photosPublic: input.publicPhotos, reporterId: actor.id,
    relatedCaseId: duplicates[0]?.id ?? null,
    region: { id: region.id, path: region.path }, grid: { id: grid.id, path: grid.path }, occurredAt,
    responseDueAt: new Date(now.getTime() + category.response_sla_hours * HOUR_MS),
    resolveDueAt: new Date(now.getTime() + category.resolve_sla_hours * HOUR_MS),
    now,
  })
  if (!(await uploadsRepo.attach(trx, input.photoIds, actor.id, caseId))) throw errors.photoNotFound()
  await caseFollowersRepo.insert(trx, { caseId, userId: actor.id, relation: 'reporter', anonymous: input.anonymous, now })
  const created = (await casesRepo.findById(trx, caseId))!
  await recordCaseFigures(trx, null, created)
  await recordCaseEvent(trx, created, { kind: 'submit', from: null, to: 'submitted', actor, photoIds: input.photoIds }, now)
  return { caseId, duplicate: false }
}

/** The reporter joins an open case as a follower; what they add goes on its timeline for the handlers. */
async function followCase(trx: Trx, actor: Actor, target: CaseRow, input: Input, now: Date) {
  if (!(await uploadsRepo.attach(trx, input.photoIds, actor.id, target.id))) throw errors.photoNotFound()
  if (await caseFollowersRepo.insert(trx, { caseId: target.id, userId: actor.id, relation: 'follower', anonymous: input.anonymous, now })) {
    await casesRepo.incrementFollowers(trx, target.id)
  }
  await recordCaseEvent(trx, target, { kind: 'follow', from: null, to: null, actor, note: input.text, photoIds: input.photoIds }, now)
}
