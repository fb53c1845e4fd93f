import { api, isStaffRole } from '@anju/shared'
import { caseMetrics } from '../../commands/caseMetrics'
import { likelyDuplicates, offeredToResidents } from '../../commands/duplicateCandidates'
import { nearbyGrids } from '../../commands/locateGrid'
import { regradeCase } from '../../commands/regradeCase'
import { submitReport } from '../../commands/submitReport'
import { canHandle, transitionCase } from '../../commands/transitionCase'
import { errors } from '../../errors'
import { nextPageCursor, pagePosition } from '../../lib/keysetCursor'
import { presentCategory } from '../../presenters/cases'
import { caseFollowersRepo } from '../../repositories/caseActivity'
import { casesRepo } from '../../repositories/cases'
import { categoriesRepo } from '../../repositories/categories'
import { gridWorkersRepo } from '../../repositories/gridWorkers'
import { requireUser } from '../../middleware/authenticate'
import { route, type AppRouter } from '../define'
import { caseDetailView, caseView, caseViews, duplicateCandidateViews, nearbyGridViews, type KnownForCases } from './views'

/** Pages of cases go newest first by filing time; the cursor names the last case shown (see keysetCursor). */
const nextCursor = (rows: { id: number; created_at: Date }[], limit: number) => nextPageCursor(rows, limit, (c) => c.created_at)

/** Intake (residents), 我的诉求, the workbench inbox, case detail and case actions. */
export function caseRoutes(router: AppRouter) {
  route(router, api.categories, async (ctx, { query }) => {
    const rows = await categoriesRepo.list(ctx.services.db, query.kind)
    return { items: rows.map(presentCategory) }
  })

  route(router, api.submitReport, async (ctx, { actor, body, transact }) => {
    if (isStaffRole(actor.role)) throw errors.forbidden()
    // A flaky network resends; the key makes the second send return the first answer instead of a second case.
    if (!ctx.state.idempotency) throw errors.idempotencyKeyRequired()
    const { services } = ctx
    const category = await categoriesRepo.findByCode(services.db, body.categoryCode)
    // A clue category exists for words a content check refuses (毒品, 枪支…), and its text only ever goes to the
    // centre, so it is neither checked nor sent to WeChat. Everything else is, outside the transaction: WeChat's
    // check is a network call and must not hold locks.
    if (!category?.confidential) {
      const verdict = await services.contentCheck.check(`${body.text}\n${body.location.address}`, requireUser(ctx).openid)
      if (verdict === 'risky') throw errors.contentRejected()
    }
    return transact(async (trx) => {
      const { caseId, duplicate } = await submitReport({ trx, actor, input: body, limits: services.config.gridLoop })
      const c = (await casesRepo.findById(trx, caseId))!
      return { case: await caseView(trx, actor, services.photoLinks, c), duplicate }
    })
  })

  route(router, api.duplicateCandidates, async (ctx, { query }) => {
    const found = await likelyDuplicates(ctx.services.db, query, new Date())
    return { items: await duplicateCandidateViews(ctx.services.db, found.filter(offeredToResidents)) }
  })

  route(router, api.nearbyGrids, async (ctx, { query }) => {
    return { items: await nearbyGridViews(ctx.services.db, await nearbyGrids(ctx.services.db, query.lat, query.lng)) }
  })

  route(router, api.myCases, async (ctx, { actor, query }) => {
    const { cases, relations } = await casesRepo.listFollowedBy(ctx.services.db, actor.id, pagePosition(query.cursor), query.limit)
    const items = await caseViews(ctx.services.db, actor, ctx.services.photoLinks, cases, { users: [requireUser(ctx)], relations })
    return { items, next: nextCursor(cases, query.limit) }
  })

  route(router, api.staffCases, async (ctx, { actor, query }) => {
    if (!isStaffRole(actor.role) || !actor.region) throw errors.forbidden()
    const rows = await casesRepo.listInScope(ctx.services.db, {
      regionPath: actor.region.path,
      assigneeId: actor.role === 'grid_worker' ? actor.id : undefined,
      status: query.status, colour: query.colour, overdue: query.overdue,
      before: pagePosition(query.cursor), limit: query.limit,
    })
    return { items: await caseViews(ctx.services.db, actor, ctx.services.photoLinks, rows), next: nextCursor(rows, query.limit) }
  })

  route(router, api.caseDetail, async (ctx, { actor, params }) => {
    const { db } = ctx.services
    const c = await casesRepo.findById(db, params.id)
    if (!c) throw errors.notFound()
    // A resident sees only what they reported or follow; how they relate to it is then known.
    let relations: KnownForCases['relations']
    if (!canHandle(actor, c)) {
      const follower = await caseFollowersRepo.find(db, c.id, actor.id)
      if (!follower) throw errors.notFound()
      relations = new Map([[c.id, follower.relation]])
    }
    return caseDetailView(db, actor, ctx.services.photoLinks, c, { users: [requireUser(ctx)], relations })
  })

  route(router, api.caseAction, async (ctx, { actor, params, body, transact }) =>
    transact(async (trx) => caseView(trx, actor, ctx.services.photoLinks, await transitionCase({ trx, actor, caseId: params.id, input: body }))),
  )

  route(router, api.regradeCase, async (ctx, { actor, params, body, transact }) =>
    transact(async (trx) => caseView(trx, actor, ctx.services.photoLinks, await regradeCase({ trx, actor, caseId: params.id, input: body }))),
  )

  route(router, api.caseMetrics, async (ctx, { actor, query }) => {
    if (!isStaffRole(actor.role) || !actor.region) throw errors.forbidden()
    return caseMetrics(ctx.services.db, { scope: actor.region, ...query })
  })

  route(router, api.gridWorkers, async (ctx, { actor }) => {
    if (!['staff', 'centre', 'admin'].includes(actor.role) || !actor.region) throw errors.forbidden()
    const rows = await gridWorkersRepo.under(ctx.services.db, actor.region.path)
    return {
      items: rows.map((w) => ({ id: w.id, displayName: w.display_name, region: { id: w.region_id, name: w.region_name, level: w.region_level } })),
    }
  })

  route(router, api.createCategory, async (ctx, { actor, body, transact }) => {
    if (actor.role !== 'admin') throw errors.forbidden()
    return transact(async (trx) => {
      if (await categoriesRepo.findByCode(trx, body.code)) throw errors.conflict({ code: body.code })
      await categoriesRepo.insert(trx, categoryColumns(body), (await categoriesRepo.maxSortOrder(trx)) + 10)
      return presentCategory((await categoriesRepo.findByCode(trx, body.code))!)
    })
  })

  route(router, api.updateCategory, async (ctx, { actor, params, body, transact }) => {
    if (actor.role !== 'admin') throw errors.forbidden()
    return transact(async (trx) => {
      const current = await categoriesRepo.findByCode(trx, params.code)
      if (!current) throw errors.notFound()
      const merged = { ...presentCategory(current), ...body }
      if (merged.responseSlaHours > merged.resolveSlaHours) throw errors.invalidField('responseSlaHours', '受理时限不能长于办结时限')
      await categoriesRepo.update(trx, params.code, categoryColumns(body))
      return presentCategory((await categoriesRepo.findByCode(trx, params.code))!)
    })
  })
}

/** API field names → columns, for the fields present. */
function categoryColumns(c: Partial<{ code: string; kind: string; name: string; colour: string; responseSlaHours: number; resolveSlaHours: number; routing: string; requiredFields: string[]; confidential: boolean; active: boolean }>) {
  const row: Record<string, unknown> = {}
  if (c.code !== undefined) row.code = c.code
  if (c.kind !== undefined) row.kind = c.kind
  if (c.name !== undefined) row.name = c.name
  if (c.colour !== undefined) row.colour = c.colour
  if (c.responseSlaHours !== undefined) row.response_sla_hours = c.responseSlaHours
  if (c.resolveSlaHours !== undefined) row.resolve_sla_hours = c.resolveSlaHours
  if (c.routing !== undefined) row.routing_level = c.routing
  if (c.requiredFields !== undefined) row.required_fields = c.requiredFields
  if (c.confidential !== undefined) row.confidential = c.confidential
  if (c.active !== undefined) row.active = c.active
  return row
}
