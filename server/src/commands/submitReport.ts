import type { Config } from '../config'
import type { Trx } from '../db/knex'
import { errors } from '../errors'
import { caseDayKey, caseNumberFor } from '../lib/caseNumbers'
import { degreesAround, distanceMeters } from '../lib/geo'
import type { Actor } from '../policies'
import { caseEventsRepo, caseFollowersRepo } from '../repositories/caseActivity'
import { casesRepo, type CaseRow } from '../repositories/cases'
import { categoriesRepo, type CategoryRow } from '../repositories/categories'
import { idsOnPath, regionsRepo, type RegionRow } from '../repositories/regions'
import { uploadsRepo } from '../repositories/uploads'
import type { z } from 'zod'
import type { SubmitReportInput as SubmitReportSchema } from '@anju/shared'
import { locateGrid } from './locateGrid'
import { recordCaseEvent } from './recordCaseEvent'

type Input = z.output<typeof SubmitReportSchema>

const HOUR_MS = 60 * 60 * 1000
/** SPEC: same plate and category within 30 minutes, or same category within 50 m within 2 hours. */
export const DUPLICATE_PLATE_WINDOW_MS = 30 * 60 * 1000
export const DUPLICATE_PLACE_WINDOW_MS = 2 * HOUR_MS
export const DUPLICATE_RADIUS_M = 50
/** Phones' clocks drift; a few minutes "in the future" is still now. */
const CLOCK_SKEW_MS = 5 * 60 * 1000

/** The open case this report repeats, if any (oldest first, so followers gather on the original). */
async function findDuplicate(trx: Trx, category: CategoryRow, input: Input, now: Date): Promise<CaseRow | undefined> {
  if (input.plate) {
    const [sameVehicle] = await casesRepo.openWithPlate(trx, category.code, input.plate, new Date(now.getTime() - DUPLICATE_PLATE_WINDOW_MS))
    if (sameVehicle) return sameVehicle
  }
  const { lat, lng } = input.location
  const { dLat, dLng } = degreesAround(lat, DUPLICATE_RADIUS_M)
  const nearby = await casesRepo.openNear(
    trx, category.code, { minLat: lat - dLat, maxLat: lat + dLat, minLng: lng - dLng, maxLng: lng + dLng },
    new Date(now.getTime() - DUPLICATE_PLACE_WINDOW_MS),
  )
  return nearby.find((c) => distanceMeters([lat, lng], [c.lat, c.lng]) <= DUPLICATE_RADIUS_M)
}

/** The region that first handles a case of this category: the grid's ancestor at the routing level. */
function routedRegion(grid: RegionRow, ancestors: RegionRow[], category: CategoryRow): RegionRow {
  return ancestors.find((r) => r.level === category.routing_level) ?? grid
}

async function enforceRateLimit(trx: Trx, userId: number, limits: Config['gridLoop'], now: Date) {
  const lastHour = await caseEventsRepo.countSubmissionsSince(trx, userId, new Date(now.getTime() - HOUR_MS))
  const lastDay = await caseEventsRepo.countSubmissionsSince(trx, userId, new Date(now.getTime() - 24 * HOUR_MS))
  if (lastHour >= limits.reportsPerHour || lastDay >= limits.reportsPerDay) throw errors.rateLimited()
}

/**
 * A resident's report: validated against its category, located in a grid, and either opened as a new
 * case or — when it repeats an open one — linked to it, the reporter following the original.
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
  await enforceRateLimit(trx, actor.id, limits, now)

  const duplicateOf = await findDuplicate(trx, category, input, now)
  if (duplicateOf) {
    if (!(await uploadsRepo.attach(trx, input.photoIds, actor.id, duplicateOf.id))) throw errors.photoNotFound()
    if (!(await caseFollowersRepo.find(trx, duplicateOf.id, actor.id))) {
      await caseFollowersRepo.insert(trx, { caseId: duplicateOf.id, userId: actor.id, relation: 'follower', anonymous: input.anonymous, now })
      await casesRepo.incrementFollowers(trx, duplicateOf.id)
    }
    await recordCaseEvent(trx, duplicateOf, {
      kind: 'follow', from: null, to: null, actor, note: input.text, photoIds: input.photoIds,
    }, now)
    return { caseId: duplicateOf.id, duplicate: true }
  }

  const { gridId } = await locateGrid(trx, input.location.lat, input.location.lng)
  const grid = (await regionsRepo.findById(trx, gridId))!
  const region = routedRegion(grid, await regionsRepo.findByIds(trx, idsOnPath(grid.path)), category)
  const day = caseDayKey(now)
  const number = caseNumberFor(day, await casesRepo.nextSequence(trx, day))
  const caseId = await casesRepo.insert(trx, {
    number, kind: category.kind, categoryCode: category.code, colour: category.colour, text: input.text,
    lat: input.location.lat, lng: input.location.lng, address: input.location.address, plate: input.plate ?? null,
    photoIds: input.photoIds, anonymous: input.anonymous, confidential: category.confidential, reporterId: actor.id,
    region: { id: region.id, path: region.path }, grid: { id: grid.id, path: grid.path }, occurredAt,
    responseDueAt: new Date(now.getTime() + category.response_sla_hours * HOUR_MS),
    resolveDueAt: new Date(now.getTime() + category.resolve_sla_hours * HOUR_MS),
    now,
  })
  if (!(await uploadsRepo.attach(trx, input.photoIds, actor.id, caseId))) throw errors.photoNotFound()
  await caseFollowersRepo.insert(trx, { caseId, userId: actor.id, relation: 'reporter', anonymous: input.anonymous, now })
  const created = (await casesRepo.findById(trx, caseId))!
  await recordCaseEvent(trx, created, { kind: 'submit', from: null, to: 'submitted', actor, photoIds: input.photoIds }, now)
  return { caseId, duplicate: false }
}
