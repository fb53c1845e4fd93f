import { z } from 'zod'
import { OutboxDestination } from '@anju/shared'
import type { Queryable } from '../db/knex'
import { time } from './rows'

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

export const OutboxStatus = z.enum(['pending', 'delivered', 'skipped', 'dead'])

export const OutboxRow = z.object({
  id: z.coerce.number().int(),
  stream_id: z.coerce.number().int(),
  seq: z.coerce.number().int(),
  destination: OutboxDestination,
  idempotency_key: z.string(),
  payload: z.string(),
  status: OutboxStatus,
  attempts: z.coerce.number().int(),
  next_attempt_at: time,
  last_error: z.string().nullable(),
  delivered_at: time.nullable(),
  created_at: time,
  platform_id: z.coerce.number().int().nullable(),
  case_id: z.coerce.number().int().nullable(),
  event_id: z.coerce.number().int().nullable(),
  user_id: z.coerce.number().int().nullable(),
  region_path: z.string().nullable(),
})
export type OutboxRow = z.infer<typeof OutboxRow>

export const StreamRow = z.object({
  id: z.coerce.number().int(),
  stream_key: z.string(),
  destination: OutboxDestination,
  last_seq: z.coerce.number().int(),
  next_seq: z.coerce.number().int(),
  state: z.enum(['idle', 'ready', 'blocked']),
  due_at: time,
  lease_token: z.string().nullable(),
})
export type StreamRow = z.infer<typeof StreamRow>

export interface NewOutboxMessage {
  destination: OutboxDestination
  /** Messages of one stream are delivered one at a time, in the order they were written. */
  streamKey: string
  /** Unique across the outbox; destinations hand it on so a receiver can drop a repeat. */
  idempotencyKey: string
  payload: string
  platformId?: number | null
  caseId?: number | null
  eventId?: number | null
  userId?: number | null
  /** Whose administrators see it if it becomes a dead letter. */
  regionPath?: string | null
  now: Date
}

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
    const counts = await db('outbox_messages').whereIn('platform_id', platforms.map((p) => p.id)).whereIn('status', ['pending', 'dead'])
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
  /**
   * Appends a message to its stream, in the caller's transaction. The stream row is created if need be and its
   * sequence bumped by one UPDATE, which also holds the row until the transaction ends: two writers to one
   * stream take turns, so sequence numbers follow commit order and never leave a gap. An idle stream becomes
   * due now; a leased or waiting one keeps its time (assignments are ordered so MySQL, which applies them left to
   * right, and SQLite, which reads the old row, agree).
   */
  async append(db: Queryable, m: NewOutboxMessage): Promise<{ id: number; seq: number }> {
    await db('outbox_streams')
      .insert({ stream_key: m.streamKey, destination: m.destination, last_seq: 0, next_seq: 1, state: 'idle', due_at: m.now, updated_at: m.now })
      .onConflict('stream_key')
      .ignore()
    await db('outbox_streams').where({ stream_key: m.streamKey }).update({
      due_at: db.raw("CASE WHEN state = 'idle' THEN ? ELSE due_at END", [m.now]),
      state: db.raw("CASE WHEN state = 'idle' THEN 'ready' ELSE state END"),
      last_seq: db.raw('last_seq + 1'),
      updated_at: m.now,
    })
    const stream = await db('outbox_streams').where({ stream_key: m.streamKey }).first('id', 'last_seq')
    const seq = Number(stream.last_seq)
    const [id] = await db('outbox_messages').insert({
      stream_id: stream.id, seq, destination: m.destination, idempotency_key: m.idempotencyKey, payload: m.payload,
      status: 'pending', attempts: 0, next_attempt_at: m.now, created_at: m.now,
      platform_id: m.platformId ?? null, case_id: m.caseId ?? null, event_id: m.eventId ?? null, user_id: m.userId ?? null,
      region_path: m.regionPath ?? null,
    })
    return { id: Number(id), seq }
  },
  async findById(db: Queryable, id: number) {
    const row = await db('outbox_messages').where({ id }).first()
    return row ? OutboxRow.parse(row) : undefined
  },
  async listForCase(db: Queryable, caseId: number) {
    return (await db('outbox_messages').where({ case_id: caseId }).orderBy([{ column: 'stream_id' }, { column: 'seq' }]))
      .map((r: unknown) => OutboxRow.parse(r))
  },

  /**
   * Streams whose head is due, soonest first. Streams waiting for a retry, leased by a worker, blocked by a
   * dead letter or idle are not due, so however many of them there are, they never take a place in the batch.
   */
  async dueStreams(db: Queryable, now: Date, limit: number, only?: number[]) {
    const q = db('outbox_streams').where({ state: 'ready' }).andWhere('due_at', '<=', now)
    if (only) q.whereIn('id', only)
    return (await q.orderBy([{ column: 'due_at' }, { column: 'id' }]).limit(limit)).map((r: unknown) => StreamRow.parse(r))
  },
  /**
   * Leases a due stream until `until`: its due time moves there, so no other worker picks it meanwhile, and a
   * crashed worker's lease simply runs out. False when someone else leased it first.
   */
  async lease(db: Queryable, streamId: number, token: string, now: Date, until: Date) {
    const count = await db('outbox_streams')
      .where({ id: streamId, state: 'ready' })
      .andWhere('due_at', '<=', now)
      .update({ lease_token: token, due_at: until, updated_at: now })
    return count === 1
  },
  /** Extends a lease still held; false when it was lost (it ran out and another worker took the stream). */
  async renewLease(db: Queryable, streamId: number, token: string, until: Date) {
    const count = await db('outbox_streams').where({ id: streamId, lease_token: token, state: 'ready' }).update({ due_at: until })
    return count === 1
  },
  async findStream(db: Queryable, streamId: number) {
    const row = await db('outbox_streams').where({ id: streamId }).first()
    return row ? StreamRow.parse(row) : undefined
  },
  async findStreamByKey(db: Queryable, streamKey: string) {
    const row = await db('outbox_streams').where({ stream_key: streamKey }).first()
    return row ? StreamRow.parse(row) : undefined
  },
  /** The stream's messages from its head on, in order. */
  async fromHead(db: Queryable, stream: Pick<StreamRow, 'id' | 'next_seq'>, limit: number) {
    return (await db('outbox_messages').where({ stream_id: stream.id }).andWhere('seq', '>=', stream.next_seq).orderBy('seq').limit(limit))
      .map((r: unknown) => OutboxRow.parse(r))
  },
  /**
   * Records that the head went out (or had nothing to send) and moves the stream past it, if the lease is still
   * ours; false when it is not, and the caller stops.
   */
  async complete(db: Queryable, m: { streamId: number; token: string; messageId: number; seq: number; status: 'delivered' | 'skipped'; note?: string; now: Date }) {
    await db('outbox_messages').where({ id: m.messageId, status: 'pending' })
      .update({ status: m.status, delivered_at: m.now, last_error: m.note ? m.note.slice(0, 255) : null })
    const count = await db('outbox_streams').where({ id: m.streamId, lease_token: m.token }).andWhere('next_seq', '<=', m.seq)
      .update({ next_seq: m.seq + 1, updated_at: m.now })
    return count === 1
  },
  /**
   * A failed attempt. Retried: the stream waits until `nextAttemptAt`. Dead: the message becomes a dead letter
   * and the stream is blocked behind it until an admin replays it. Either way the lease ends.
   */
  async fail(db: Queryable, m: { streamId: number; token: string; messageId: number; attempts: number; error: string; nextAttemptAt: Date; dead: boolean; now: Date }) {
    await db('outbox_messages').where({ id: m.messageId }).update({
      status: m.dead ? 'dead' : 'pending', attempts: m.attempts, next_attempt_at: m.nextAttemptAt, last_error: m.error.slice(0, 255),
    })
    await db('outbox_streams').where({ id: m.streamId, lease_token: m.token })
      .update(m.dead
        ? { state: 'blocked', lease_token: null, updated_at: m.now }
        : { due_at: m.nextAttemptAt, lease_token: null, updated_at: m.now })
  },
  /** Ends a lease: the stream is due again at once if messages were added meanwhile (or left), idle otherwise. */
  async release(db: Queryable, streamId: number, token: string, now: Date) {
    await db('outbox_streams').where({ id: streamId, lease_token: token, state: 'ready' }).update({
      due_at: now,
      state: db.raw("CASE WHEN last_seq >= next_seq THEN 'ready' ELSE 'idle' END"),
      lease_token: null,
      updated_at: now,
    })
  },

  /** Dead letters whose region lies under `regionPath` (and those of no region, for a root administrator), newest first. */
  async listDead(db: Queryable, { regionPath, withUnscoped, limit }: { regionPath: string; withUnscoped: boolean; limit: number }) {
    const q = db('outbox_messages').where({ status: 'dead' }).andWhere((w) => {
      w.where('region_path', 'like', `${regionPath}%`)
      if (withUnscoped) w.orWhereNull('region_path')
    })
    return (await q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit))
      .map((r: unknown) => OutboxRow.parse(r))
  },
  /** Puts a dead letter back at the head of its stream, due now; false when it was not dead. */
  async replay(db: Queryable, id: number, now: Date) {
    const row = await outboxRepo.findById(db, id)
    if (!row) return false
    const count = await db('outbox_messages').where({ id, status: 'dead' }).update({ status: 'pending', attempts: 0, next_attempt_at: now })
    if (count !== 1) return false
    await db('outbox_streams').where({ id: row.stream_id, state: 'blocked' }).update({ state: 'ready', due_at: now, lease_token: null, updated_at: now })
    return true
  },

  /** Per destination: messages waiting (and the oldest one's time) and dead letters. */
  async depth(db: Queryable) {
    const rows = await db('outbox_messages').whereIn('status', ['pending', 'dead'])
      .groupBy('destination', 'status').select('destination', 'status', db.raw('COUNT(*) as n'), db.raw('MIN(created_at) as oldest'))
    return rows.map((r: { destination: string; status: string; n: unknown; oldest: unknown }) => ({
      destination: OutboxDestination.parse(r.destination), status: r.status as 'pending' | 'dead', count: Number(r.n),
      oldest: r.oldest == null ? null : new Date(r.oldest as string),
    }))
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
