import { randomUUID } from 'node:crypto'
import { api } from '@anju/shared'
import { approveAward, awardPolicyAt, awardReason, proposeAward, rejectAward } from '../../awards'
import { AppError, errors } from '../../errors'
import { decodeCursor, encodeCursor } from '../../lib/keysetCursor'
import { authorize, can, requireReviewer, type Actor } from '../../policies'
import { presentAwards } from '../../presenters/points'
import type { Queryable } from '../../db/knex'
import { awardsRepo } from '../../repositories/awards'
import { regionsRepo } from '../../repositories/regions'
import { residentsRepo } from '../../repositories/residents'
import { route, type AppRouter } from '../define'

/** Loads an award the actor may review; anything else is "not found". */
async function reviewable(db: Queryable, actor: Actor, id: string) {
  const award = await awardsRepo.findById(db, id)
  const region = award && (await regionsRepo.findById(db, award.region_id))
  if (!award || !region) throw errors.notFound()
  authorize(actor, 'award.review', { regionPath: region.path })
  return award
}

function cursorOf(text: string | undefined) {
  if (!text) return undefined
  const cursor = decodeCursor(text)
  if (!cursor) throw errors.invalidField('cursor', '翻页参数有误')
  return cursor
}

export function awardRoutes(router: AppRouter) {
  route(router, api.staffAwards, async (ctx, { actor, query }) => {
    requireReviewer(actor)
    const rows = await awardsRepo.listInSubtree(ctx.services.db, {
      regionPath: actor.region.path,
      status: query.status,
      before: cursorOf(query.cursor),
      limit: query.limit,
    })
    const page = rows.slice(0, query.limit)
    const last = page[page.length - 1]
    return {
      items: await presentAwards(ctx.services.db, actor, page),
      next: rows.length > query.limit && last ? encodeCursor({ createdAtMs: new Date(last.created_at).getTime(), id: last.id }) : null,
    }
  })

  route(router, api.approveAward, async (ctx, { actor, params, transact }) => {
    await reviewable(ctx.services.db, actor, params.id)
    return transact(async (trx) => {
      const award = await approveAward(trx, { awardId: params.id, approverId: actor.id, now: ctx.services.clock.now() })
      return (await presentAwards(trx, actor, [award]))[0]!
    })
  })

  route(router, api.rejectAward, async (ctx, { actor, params, body, transact }) => {
    await reviewable(ctx.services.db, actor, params.id)
    return transact(async (trx) => {
      const award = await rejectAward(trx, { awardId: params.id, actorId: actor.id, note: body.reason, now: ctx.services.clock.now() })
      return (await presentAwards(trx, actor, [award]))[0]!
    })
  })

  route(router, api.batchApproveAwards, async (ctx, { actor, body, transact }) =>
    transact(async (trx) => {
      const results = []
      for (const id of [...new Set(body.ids)]) {
        try {
          // Each award in its own savepoint: one refusal does not undo the others.
          const award = await trx.transaction(async (one) => {
            await reviewable(one, actor, id)
            return approveAward(one, { awardId: id, approverId: actor.id, now: ctx.services.clock.now() })
          })
          results.push({ id, ok: true, award: (await presentAwards(trx, actor, [award]))[0] })
        } catch (err) {
          if (!(err instanceof AppError)) throw err
          results.push({ id, ok: false, code: err.code, message: err.message })
        }
      }
      return { results }
    }),
  )

  route(router, api.proposeManualAward, async (ctx, { actor, body, transact }) => {
    requireReviewer(actor)
    authorize(actor, 'award.proposeManual', undefined)
    // Only a resident the proposer could have found: enabled, with a community inside the proposer's region.
    const resident = await residentsRepo.findById(ctx.services.db, body.userId)
    if (!resident || !can(actor, 'resident.find', { regionPath: resident.region_path })) throw errors.invalidField('userId', '辖区内没有这位居民')
    return transact(async (trx) => {
      const proposed = await proposeAward(trx, {
        userId: resident.id,
        regionId: actor.region!.id,
        kind: 'manual',
        // A repeated request is answered by its Idempotency-Key before it gets here.
        source: { type: 'manual', id: randomUUID() },
        points: body.points,
        proposedBy: actor.id,
        reason: awardReason('manual', body.reason),
        now: ctx.services.clock.now(),
      })
      const award = (await awardsRepo.findById(trx, proposed.awardId))!
      return (await presentAwards(trx, actor, [award]))[0]!
    })
  })

  /** Reading the policy needs reviewer rights in scope; changing it needs an administrator. */
  async function scopedRegion(db: Queryable, actor: Actor, regionId: number, action: 'award.review' | 'award.configure') {
    const region = await regionsRepo.findById(db, regionId)
    if (!region) throw errors.notFound()
    authorize(actor, action, { regionPath: region.path })
    return region
  }

  route(router, api.awardPolicy, async (ctx, { actor, query }) => {
    requireReviewer(actor)
    await scopedRegion(ctx.services.db, actor, query.regionId, 'award.review')
    return awardPolicyAt(ctx.services.db, query.regionId, ctx.services.clock.now())
  })

  route(router, api.setAwardRule, async (ctx, { actor, body, transact }) => {
    requireReviewer(actor)
    await scopedRegion(ctx.services.db, actor, body.regionId, 'award.configure')
    return transact(async (trx) => {
      await awardsRepo.upsertRule(trx, { region_id: body.regionId, kind: body.kind, category_code: body.categoryCode, points: body.points, auto_approve: body.autoApprove })
      return awardPolicyAt(trx, body.regionId, ctx.services.clock.now())
    })
  })

  route(router, api.setAwardSettings, async (ctx, { actor, body, transact }) => {
    requireReviewer(actor)
    await scopedRegion(ctx.services.db, actor, body.regionId, 'award.configure')
    return transact(async (trx) => {
      await awardsRepo.upsertSettings(trx, {
        region_id: body.regionId,
        monthly_budget: body.monthlyBudget,
        daily_cap_per_resident: body.dailyCapPerResident,
        monthly_cap_per_resident: body.monthlyCapPerResident,
        points_valid_months: body.pointsValidMonths,
      })
      return awardPolicyAt(trx, body.regionId, ctx.services.clock.now())
    })
  })
}
