import { z } from 'zod'
import type { Queryable } from '../db/knex'

const time = z.union([z.date(), z.number(), z.string()]).transform((v) => new Date(v))

export const PlatformRow = z.object({
  id: z.coerce.number().int(),
  region_id: z.coerce.number().int(),
  name: z.string(),
  url: z.string(),
  secret: z.string(),
  user_id: z.coerce.number().int(),
  active: z.coerce.boolean(),
})
export type PlatformRow = z.infer<typeof PlatformRow>

export const OutboxRow = z.object({
  id: z.coerce.number().int(),
  event_id: z.coerce.number().int(),
  case_id: z.coerce.number().int(),
  platform_id: z.coerce.number().int(),
  idempotency_key: z.string(),
  payload: z.string(),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.coerce.number().int(),
  next_attempt_at: time,
  last_error: z.string().nullable(),
  delivered_at: time.nullable(),
  created_at: time,
})
export type OutboxRow = z.infer<typeof OutboxRow>

export const gridPlatformsRepo = {
  async insert(db: Queryable, p: { regionId: number; name: string; url: string; secret: string; userId: number }) {
    const [id] = await db('grid_platforms').insert({
      region_id: p.regionId, name: p.name, url: p.url, secret: p.secret, user_id: p.userId, active: true, created_at: new Date(),
    })
    return Number(id)
  },
  async findById(db: Queryable, id: number) {
    const row = await db('grid_platforms').where({ id }).first()
    return row ? PlatformRow.parse(row) : undefined
  },
  /** Every platform configured on these regions, with its undelivered and dead messages counted. */
  async listWithCounts(db: Queryable, regionIds: number[]) {
    if (regionIds.length === 0) return []
    const platforms = (await db('grid_platforms').whereIn('region_id', regionIds).orderBy('id')).map((r: unknown) => PlatformRow.parse(r))
    if (platforms.length === 0) return []
    const counts = await db('outbox').whereIn('platform_id', platforms.map((p) => p.id)).whereIn('status', ['pending', 'dead'])
      .select('platform_id', 'status', db.raw('COUNT(*) as n')).groupBy('platform_id', 'status')
    const count = (id: number, status: string) => Number(counts.find((c: { platform_id: unknown; status: string }) => Number(c.platform_id) === id && c.status === status)?.n ?? 0)
    return platforms.map((p) => ({ ...p, pending: count(p.id, 'pending'), dead: count(p.id, 'dead') }))
  },
  /** Active platforms configured on any of these regions (a case's region and its ancestors). */
  async activeFor(db: Queryable, regionIds: number[]) {
    if (regionIds.length === 0) return []
    return (await db('grid_platforms').whereIn('region_id', regionIds).andWhere({ active: true }).orderBy('id'))
      .map((r: unknown) => PlatformRow.parse(r))
  },
}

export const outboxRepo = {
  async insert(db: Queryable, m: { eventId: number; caseId: number; platformId: number; idempotencyKey: string; payload: string; now: Date }) {
    await db('outbox').insert({
      event_id: m.eventId, case_id: m.caseId, platform_id: m.platformId, idempotency_key: m.idempotencyKey, payload: m.payload,
      status: 'pending', attempts: 0, next_attempt_at: m.now, created_at: m.now,
    })
  },
  async findById(db: Queryable, id: number) {
    const row = await db('outbox').where({ id }).first()
    return row ? OutboxRow.parse(row) : undefined
  },
  async due(db: Queryable, now: Date, limit: number) {
    return (await db('outbox').where({ status: 'pending' }).andWhere('next_attempt_at', '<=', now).orderBy('id').limit(limit))
      .map((r: unknown) => OutboxRow.parse(r))
  },
  /**
   * Leases a message until `until` so a second worker skips it; false when someone else leased it first.
   * A crashed worker's lease simply runs out and the message is tried again.
   */
  async lease(db: Queryable, row: OutboxRow, until: Date) {
    const count = await db('outbox')
      .where({ id: row.id, status: 'pending', next_attempt_at: row.next_attempt_at })
      .update({ next_attempt_at: until })
    return count === 1
  },
  /** Whether an earlier message of the same case to the same platform is still undelivered (pending or dead). */
  async hasEarlierUndelivered(db: Queryable, row: Pick<OutboxRow, 'id' | 'platform_id' | 'case_id'>) {
    const earlier = await db('outbox')
      .where({ platform_id: row.platform_id, case_id: row.case_id })
      .whereIn('status', ['pending', 'dead'])
      .andWhere('id', '<', row.id)
      .first('id')
    return !!earlier
  },
  async listForCase(db: Queryable, caseId: number) {
    return (await db('outbox').where({ case_id: caseId }).orderBy('id')).map((r: unknown) => OutboxRow.parse(r))
  },
  async markDelivered(db: Queryable, id: number, now: Date) {
    await db('outbox').where({ id }).update({ status: 'delivered', delivered_at: now, last_error: null })
  },
  async markFailed(db: Queryable, id: number, f: { attempts: number; nextAttemptAt: Date; dead: boolean; error: string }) {
    await db('outbox').where({ id }).update({
      status: f.dead ? 'dead' : 'pending', attempts: f.attempts, next_attempt_at: f.nextAttemptAt, last_error: f.error.slice(0, 255),
    })
  },
  async listDead(db: Queryable, limit: number) {
    return (await db('outbox').where({ status: 'dead' }).orderBy('id', 'desc').limit(limit)).map((r: unknown) => OutboxRow.parse(r))
  },
  /** Puts a dead letter back in the queue; false when it was not dead. */
  async replay(db: Queryable, id: number, now: Date) {
    const count = await db('outbox').where({ id, status: 'dead' }).update({ status: 'pending', attempts: 0, next_attempt_at: now })
    return count === 1
  },
}

export const gridCallbacksRepo = {
  async find(db: Queryable, platformId: number, externalId: string) {
    const row = await db('grid_callbacks').where({ platform_id: platformId, external_id: externalId }).first()
    return row ? { caseId: Number(row.case_id), response: String(row.response) } : undefined
  },
  async insert(db: Queryable, c: { platformId: number; externalId: string; caseId: number; response: string }) {
    await db('grid_callbacks').insert({
      platform_id: c.platformId, external_id: c.externalId, case_id: c.caseId, response: c.response, created_at: new Date(),
    })
  },
}
