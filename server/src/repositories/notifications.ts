import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { NotificationKind } from '@anju/shared'
import type { Queryable } from '../db/knex'
import type { KeysetCursor } from '../lib/keysetCursor'
import { olderThan, time } from './rows'

export const NotificationRow = z.object({
  id: z.string(),
  user_id: z.coerce.number().int(),
  kind: NotificationKind,
  title: z.string(),
  body: z.string(),
  page: z.string().nullable(),
  case_id: z.coerce.number().int().nullable(),
  read_at: time.nullable(),
  created_at: time,
})
export type NotificationRow = z.infer<typeof NotificationRow>

/** The in-app inbox. */
export const notificationsRepo = {
  /** Puts a delivered outbox message in its user's inbox, once: a redelivery of the same message adds nothing. */
  async insertOnce(db: Queryable, n: {
    userId: number; kind: NotificationKind; title: string; body: string; page: string | null; caseId: number | null
    outboxMessageId: number; createdAt: Date
  }) {
    await db('notifications')
      .insert({
        id: randomUUID(), user_id: n.userId, kind: n.kind, title: n.title.slice(0, 64), body: n.body.slice(0, 255), page: n.page,
        case_id: n.caseId, outbox_message_id: n.outboxMessageId, read_at: null, created_at: n.createdAt,
      })
      .onConflict('outbox_message_id')
      .ignore()
  },
  /** Newest first, by (created_at, id); one row more than asked, so the caller knows whether there is a next page. */
  async pageOf(db: Queryable, userId: number, { before, limit }: { before?: KeysetCursor; limit: number }) {
    const q = db('notifications').where({ user_id: userId })
    if (before) olderThan(q, { at: new Date(before.createdAtMs), id: before.id })
    const rows = await q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit + 1)
    return rows.map((r: unknown) => NotificationRow.parse(r))
  },
  async unreadCount(db: Queryable, userId: number): Promise<number> {
    const row = await db('notifications').where({ user_id: userId }).whereNull('read_at').count({ n: '*' }).first()
    return Number(row?.n ?? 0)
  },
  async findOf(db: Queryable, userId: number, id: string) {
    const row = await db('notifications').where({ id, user_id: userId }).first()
    return row ? NotificationRow.parse(row) : undefined
  },
  async markRead(db: Queryable, userId: number, id: string, now: Date) {
    await db('notifications').where({ id, user_id: userId }).whereNull('read_at').update({ read_at: now })
  },
  async markAllRead(db: Queryable, userId: number, now: Date): Promise<number> {
    return db('notifications').where({ user_id: userId }).whereNull('read_at').update({ read_at: now })
  },
}

/** One-time subscribe-message grants: each "allow" in wx.requestSubscribeMessage lets one message through. */
export const subscribeGrantsRepo = {
  async add(db: Queryable, userId: number, templateId: string, now: Date) {
    await db('subscribe_grants').insert({ user_id: userId, template_id: templateId, remaining: 0, updated_at: now })
      .onConflict(['user_id', 'template_id']).ignore()
    await db('subscribe_grants').where({ user_id: userId, template_id: templateId }).update({ remaining: db.raw('remaining + 1'), updated_at: now })
  },
  async remaining(db: Queryable, userId: number, templateId: string): Promise<number> {
    const row = await db('subscribe_grants').where({ user_id: userId, template_id: templateId }).first('remaining')
    return Number(row?.remaining ?? 0)
  },
  /** Of these users, those a subscribe message could reach at all: an enabled WeChat account with a grant left. */
  async reachableOnWechat(db: Queryable, userIds: number[]): Promise<number[]> {
    if (userIds.length === 0) return []
    const rows = await db('subscribe_grants as g').join('users as u', 'u.id', 'g.user_id')
      .whereIn('g.user_id', userIds).andWhere('g.remaining', '>', 0).whereNotNull('u.openid').andWhere('u.disabled', false)
      .distinct('g.user_id')
    return rows.map((r: { user_id: number }) => Number(r.user_id))
  },
  /** WeChat says none are left (43101): the user refused or used them up elsewhere. */
  async clear(db: Queryable, userId: number, templateId: string, now: Date) {
    await db('subscribe_grants').where({ user_id: userId, template_id: templateId }).update({ remaining: 0, updated_at: now })
  },
  /**
   * Takes one grant for this message, once: a message that already took one (an earlier attempt, a replay) keeps
   * it. False when none is left. Run it in a transaction, so the record and the count move together.
   */
  async takeFor(db: Queryable, m: { outboxMessageId: number; userId: number; templateId: string; now: Date }): Promise<boolean> {
    if (await db('subscribe_sends').where({ outbox_message_id: m.outboxMessageId }).first('user_id')) return true
    const taken = await db('subscribe_grants').where({ user_id: m.userId, template_id: m.templateId }).andWhere('remaining', '>', 0)
      .update({ remaining: db.raw('remaining - 1'), updated_at: m.now })
    if (taken !== 1) return false
    await db('subscribe_sends').insert({ outbox_message_id: m.outboxMessageId, user_id: m.userId, template_id: m.templateId, created_at: m.now })
    return true
  },
}
