import { randomBytes } from 'node:crypto'
import { api } from '@anju/shared'
import { applyGridCallback } from '../../commands/applyGridCallback'
import { isUniqueViolation } from '../../db/transaction'
import { errors } from '../../errors'
import { SIGNATURE_HEADER, verifySignature } from '../../integrations/gridPlatform'
import { withinScope, type Actor } from '../../policies'
import { open311KeysRepo } from '../../repositories/open311Keys'
import { gridCallbacksRepo, gridPlatformsRepo, outboxRepo, type OutboxRow } from '../../repositories/outbox'
import { gridAreaRow } from '../../db/seeds/gridLoop'
import { gridAreasRepo } from '../../repositories/gridAreas'
import { casesRepo } from '../../repositories/cases'
import { idsOnPath, regionsRepo } from '../../repositories/regions'
import type { Queryable } from '../../db/knex'
import { usersRepo } from '../../repositories/users'
import { route, type AppRouter } from '../define'

async function presentOutbox(db: Queryable, rows: OutboxRow[]) {
  const caseIds = [...new Set(rows.flatMap((r) => (r.case_id ? [r.case_id] : [])))]
  const numbers = new Map((await casesRepo.findByIds(db, caseIds)).map((c) => [c.id, c.number]))
  return rows.map((row) => ({
    id: row.id, destination: row.destination, platformId: row.platform_id, caseId: row.case_id,
    caseNumber: row.case_id ? (numbers.get(row.case_id) ?? null) : null, eventId: row.event_id, recipientId: row.user_id,
    idempotencyKey: row.idempotency_key, status: row.status, attempts: row.attempts, lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at.toISOString(), createdAt: row.created_at.toISOString(),
  }))
}

/** A message's region decides which admins see it; one of no region (a user's own stream) is the city's. */
function seesMessage(actor: Actor, row: OutboxRow): boolean {
  return row.region_path ? withinScope(actor, row.region_path) : isRootAdmin(actor)
}
const isRootAdmin = (actor: Actor) => actor.role === 'admin' && !!actor.region && idsOnPath(actor.region.path).length === 1

function requireAdmin(actor: Actor): asserts actor is Actor & { region: NonNullable<Actor['region']> } {
  if (actor.role !== 'admin' || !actor.region) throw errors.forbidden()
}

/** External grid platforms: configuration and dead letters (admin), and their signed callbacks. */
export function gridPlatformRoutes(router: AppRouter) {
  route(router, api.createGridPlatform, async (ctx, { actor, body, transact }) => {
    requireAdmin(actor)
    return transact(async (trx) => {
      const region = await regionsRepo.findById(trx, body.regionId)
      if (!region || !withinScope(actor, region.path)) throw errors.notFound()
      // The platform's own account: what its callbacks act as, on the timeline too. It has no password.
      const userId = await usersRepo.insert(trx, {
        username: `platform-${randomBytes(6).toString('hex')}`, displayName: `外部平台：${body.name}`, role: 'staff', regionId: region.id,
      })
      const id = await gridPlatformsRepo.insert(trx, { ...body, regionId: region.id, userId })
      return { id, regionId: region.id, name: body.name, url: body.url, active: true }
    })
  })

  route(router, api.deadLetters, async (ctx, { actor }) => {
    requireAdmin(actor)
    const { db } = ctx.services
    const rows = await outboxRepo.listDead(db, { regionPath: actor.region.path, withUnscoped: isRootAdmin(actor), limit: 100 })
    return { items: await presentOutbox(db, rows) }
  })

  route(router, api.replayDeadLetter, async (ctx, { actor, params, transact }) => {
    requireAdmin(actor)
    return transact(async (trx) => {
      const row = await outboxRepo.findById(trx, params.id)
      if (!row || !seesMessage(actor, row)) throw errors.notFound()
      if (!(await outboxRepo.replay(trx, row.id, new Date()))) throw errors.conflict({ status: row.status })
      return (await presentOutbox(trx, [(await outboxRepo.findById(trx, row.id))!]))[0]!
    })
  })

  route(router, api.gridCallback, async (ctx, { params, body, transact }) => {
    const { db } = ctx.services
    const platform = await gridPlatformsRepo.findById(db, params.platformId)
    const raw = (ctx.request as { rawBody?: string }).rawBody ?? ''
    if (!platform || !platform.active || !verifySignature(platform.secret, raw, ctx.get(SIGNATURE_HEADER) || undefined)) {
      throw errors.signatureInvalid()
    }
    const replay = async () => {
      const seen = await gridCallbacksRepo.find(db, platform.id, body.callbackId)
      return seen ? { ...JSON.parse(seen.response), replayed: true } : undefined
    }
    const earlier = await replay()
    if (earlier) return earlier
    try {
      return await transact(async (trx) => ({ ...(await applyGridCallback({ trx, platform, input: body })), replayed: false }))
    } catch (err) {
      // The same callback, twice at once: the second lost the race on the callback id.
      const raced = isUniqueViolation(err) ? await replay() : undefined
      if (raced) return raced
      throw err
    }
  })

  route(router, api.issueOpen311Key, async (ctx, { actor, body, transact }) => {
    requireAdmin(actor)
    return transact(async (trx) => {
      const apiKey = `o311_${randomBytes(24).toString('hex')}`
      // Requests filed with the key are reported by this account (a resident-type account that cannot log in).
      const userId = await usersRepo.insert(trx, { openid: `open311-key:${randomBytes(12).toString('hex')}`, displayName: `Open311：${body.name}`, role: 'resident' })
      const id = await open311KeysRepo.insert(trx, { name: body.name, key: apiKey, userId, createdBy: actor.id })
      return { id, name: body.name, apiKey }
    })
  })

  route(router, api.setGridArea, async (ctx, { actor, params, body, transact }) => {
    requireAdmin(actor)
    return transact(async (trx) => {
      const grid = await regionsRepo.findById(trx, params.regionId)
      if (!grid || !withinScope(actor, grid.path)) throw errors.notFound()
      if (grid.level !== 'grid') throw errors.gridAreaNotGrid()
      await gridAreasRepo.upsert(trx, gridAreaRow(grid.id, body.polygon))
      return { regionId: grid.id, polygon: body.polygon, datum: 'gcj02' as const }
    })
  })
}
