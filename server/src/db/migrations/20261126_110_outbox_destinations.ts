import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'

/**
 * One outbox for everything that leaves the process (external grid platforms, WeChat subscribe messages, the
 * in-app inbox), ordered per stream by a sequence number taken in the writing transaction, never by
 * auto-increment. A stream (one platform × one case, one user's inbox, one user's WeChat messages) is the unit
 * workers lease; its row says what is due, so rows blocked behind a dead letter are never even looked at.
 *
 * The old `outbox` (grid platforms only, ordered by id) is copied over with its ids, so dead letters keep
 * theirs; the old `case_notifications` become inbox notifications.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox_streams', (t) => {
    t.increments('id').primary()
    // "<destination>:<what>", e.g. grid_platform:3:case:17, inbox:user:5, wechat:user:5
    t.string('stream_key', 96).notNullable().unique()
    t.string('destination', 16).notNullable()
    // Sequence numbers handed out so far; messages below next_seq are done (delivered or skipped).
    t.integer('last_seq').notNullable().defaultTo(0)
    t.integer('next_seq').notNullable().defaultTo(1)
    // idle: nothing to send · ready: the head is due at due_at (a lease moves due_at to its end) · blocked: the head is a dead letter
    t.string('state', 16).notNullable()
    t.datetime('due_at', { precision: 3 }).notNullable()
    // Whoever holds the lease writes results only while the token is still theirs.
    t.string('lease_token', 36).nullable()
    t.datetime('updated_at', { precision: 3 }).notNullable()
    t.index(['state', 'due_at'])
  })

  await knex.schema.createTable('outbox_messages', (t) => {
    t.increments('id').primary()
    t.integer('stream_id').unsigned().notNullable().references('id').inTable('outbox_streams')
    t.integer('seq').notNullable()
    t.string('destination', 16).notNullable()
    t.string('idempotency_key', 128).notNullable().unique()
    t.text('payload', 'mediumtext').notNullable()
    // pending → delivered | skipped (nothing to send, e.g. no WeChat grant) | dead (replayed back to pending by an admin)
    t.string('status', 16).notNullable()
    t.integer('attempts').notNullable().defaultTo(0)
    t.datetime('next_attempt_at', { precision: 3 }).notNullable()
    t.string('last_error', 255).nullable()
    t.datetime('delivered_at', { precision: 3 }).nullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    // What the message is about, for the dead-letter list and its scope.
    t.integer('platform_id').unsigned().nullable().references('id').inTable('grid_platforms')
    t.integer('case_id').unsigned().nullable().references('id').inTable('cases')
    t.integer('event_id').unsigned().nullable().references('id').inTable('case_events')
    t.integer('user_id').unsigned().nullable().references('id').inTable('users')
    t.string('region_path', 255).nullable()
    t.unique(['stream_id', 'seq'])
    t.index(['status', 'created_at'])
    t.index(['case_id'])
  })

  // The in-app inbox: what each user was told, newest first, read or not.
  await knex.schema.createTable('notifications', (t) => {
    t.string('id', 36).primary()
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users')
    t.string('kind', 32).notNullable()
    t.string('title', 64).notNullable()
    t.string('body', 255).notNullable()
    // The mini program page the notice opens, e.g. /packages/report/pages/detail/index?id=17
    t.string('page', 255).nullable()
    t.integer('case_id').unsigned().nullable().references('id').inTable('cases')
    // The outbox message that put it here: a redelivery finds it and adds nothing.
    t.integer('outbox_message_id').unsigned().nullable().unique()
    t.datetime('read_at', { precision: 3 }).nullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.index(['user_id', 'created_at', 'id'])
    t.index(['user_id', 'read_at'])
  })

  // One-time subscribe-message grants (wx.requestSubscribeMessage): each accept allows one message.
  await knex.schema.createTable('subscribe_grants', (t) => {
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users')
    t.string('template_id', 64).notNullable()
    t.integer('remaining').notNullable().defaultTo(0)
    t.datetime('updated_at', { precision: 3 }).notNullable()
    t.primary(['user_id', 'template_id'])
  })

  // Which message used which grant: a retried or replayed message never takes a second one.
  await knex.schema.createTable('subscribe_sends', (t) => {
    t.integer('outbox_message_id').unsigned().primary().references('id').inTable('outbox_messages')
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users')
    t.string('template_id', 64).notNullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
  })

  // 督办 per missed deadline: the first at the deadline, the second (a level higher) at twice the span.
  await knex.schema.createTable('case_supervisions', (t) => {
    t.integer('case_id').unsigned().notNullable().references('id').inTable('cases')
    t.string('deadline', 16).notNullable()
    t.datetime('deadline_at', { precision: 3 }).notNullable()
    t.datetime('first_at', { precision: 3 }).notNullable()
    t.datetime('second_due_at', { precision: 3 }).notNullable()
    t.datetime('second_at', { precision: 3 }).nullable()
    // waiting (for the second round) · done (escalated, or the case moved on)
    t.string('state', 16).notNullable()
    t.primary(['case_id', 'deadline', 'deadline_at'])
    t.index(['state', 'second_due_at'])
  })

  // Each background job's last run, written by whichever worker ran it, so any instance's /metrics can tell.
  await knex.schema.createTable('job_runs', (t) => {
    t.string('job', 64).primary()
    t.datetime('last_started_at', { precision: 3 }).notNullable()
    t.datetime('last_finished_at', { precision: 3 }).notNullable()
    t.integer('last_duration_ms').notNullable()
    t.integer('last_processed').notNullable().defaultTo(0)
    t.boolean('last_ok').notNullable()
    t.integer('failures').notNullable().defaultTo(0)
  })

  // When the resident was reminded that the pickup window closes soon (once per redemption).
  await knex.schema.alterTable('redemptions', (t) => {
    t.datetime('expiry_reminded_at', { precision: 3 }).nullable()
  })

  await copyOldOutbox(knex)
  await copyOldNotices(knex)
  await knex.schema.dropTable('outbox')
  await knex.schema.dropTable('case_notifications')
}

const PAGE = 1000

async function copyOldOutbox(knex: Knex) {
  const now = new Date()
  const streams = new Map<string, { id: number; lastSeq: number; nextSeq: number; state: string; dueAt: Date }>()
  for (let afterId = 0; ; ) {
    const rows = await knex('outbox').where('id', '>', afterId).orderBy('id').limit(PAGE)
    if (rows.length === 0) break
    afterId = Number(rows[rows.length - 1].id)
    for (const r of rows) {
      const key = `grid_platform:${r.platform_id}:case:${r.case_id}`
      let s = streams.get(key)
      if (!s) {
        const [id] = await knex('outbox_streams').insert({
          stream_key: key, destination: 'grid_platform', last_seq: 0, next_seq: 1, state: 'idle', due_at: now, updated_at: now,
        })
        s = { id: Number(id), lastSeq: 0, nextSeq: 1, state: 'idle', dueAt: now }
        streams.set(key, s)
      }
      s.lastSeq++
      // The old worker kept a case's messages in id order: the first one not delivered is the new head.
      if (r.status === 'delivered' && s.nextSeq === s.lastSeq) s.nextSeq++
      else if (s.state === 'idle') [s.state, s.dueAt] = [r.status === 'dead' ? 'blocked' : 'ready', new Date(r.next_attempt_at)]
      const platform = await knex('grid_platforms').where({ id: r.platform_id }).first('region_id')
      const region = platform ? await knex('regions').where({ id: platform.region_id }).first('path') : undefined
      await knex('outbox_messages').insert({
        id: r.id, stream_id: s.id, seq: s.lastSeq, destination: 'grid_platform', idempotency_key: r.idempotency_key,
        payload: r.payload, status: r.status, attempts: r.attempts, next_attempt_at: r.next_attempt_at, last_error: r.last_error,
        delivered_at: r.delivered_at, created_at: r.created_at, platform_id: r.platform_id, case_id: r.case_id,
        event_id: r.event_id, user_id: null, region_path: region?.path ?? null,
      })
    }
  }
  for (const s of streams.values()) {
    await knex('outbox_streams').where({ id: s.id }).update({ last_seq: s.lastSeq, next_seq: s.nextSeq, state: s.state, due_at: s.dueAt })
  }
}

async function copyOldNotices(knex: Knex) {
  for (let afterId = 0; ; ) {
    const rows = await knex('case_notifications').where('id', '>', afterId).orderBy('id').limit(PAGE)
    if (rows.length === 0) break
    afterId = Number(rows[rows.length - 1].id)
    await knex('notifications').insert(rows.map((r) => ({
      id: randomUUID(), user_id: r.user_id, kind: 'case_supervised', title: r.title, body: r.body,
      page: `/packages/workbench/pages/case/index?id=${r.case_id}`, case_id: r.case_id, outbox_message_id: null,
      read_at: r.read_at, created_at: r.created_at,
    })))
  }
}

export async function down(knex: Knex): Promise<void> {
  // Forwarding history goes back to the old shape; inbox notices, grants and supervision rounds are dropped.
  await knex.schema.createTable('outbox', (t) => {
    t.increments('id').primary()
    t.integer('event_id').unsigned().notNullable().references('id').inTable('case_events')
    t.integer('case_id').unsigned().notNullable().references('id').inTable('cases')
    t.integer('platform_id').unsigned().notNullable().references('id').inTable('grid_platforms')
    t.string('idempotency_key', 64).notNullable().unique()
    t.text('payload', 'mediumtext').notNullable()
    t.string('status', 16).notNullable()
    t.integer('attempts').notNullable().defaultTo(0)
    t.datetime('next_attempt_at', { precision: 3 }).notNullable()
    t.string('last_error', 255).nullable()
    t.datetime('delivered_at', { precision: 3 }).nullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.index(['status', 'next_attempt_at'])
    t.index(['platform_id', 'case_id', 'status'])
  })
  await knex.schema.createTable('case_notifications', (t) => {
    t.increments('id').primary()
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users')
    t.integer('case_id').unsigned().notNullable().references('id').inTable('cases')
    t.string('kind', 16).notNullable()
    t.string('title', 64).notNullable()
    t.string('body', 255).notNullable()
    t.datetime('read_at', { precision: 3 }).nullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.unique(['user_id', 'case_id', 'kind'])
  })
  await knex.schema.alterTable('redemptions', (t) => {
    t.dropColumn('expiry_reminded_at')
  })
  const rows = await knex('outbox_messages').where({ destination: 'grid_platform' }).orderBy('id')
  for (const r of rows) {
    await knex('outbox').insert({
      id: r.id, event_id: r.event_id, case_id: r.case_id, platform_id: r.platform_id, idempotency_key: r.idempotency_key,
      payload: r.payload, status: r.status === 'skipped' ? 'delivered' : r.status, attempts: r.attempts,
      next_attempt_at: r.next_attempt_at, last_error: r.last_error, delivered_at: r.delivered_at, created_at: r.created_at,
    })
  }
  for (const table of ['job_runs', 'case_supervisions', 'subscribe_sends', 'subscribe_grants', 'notifications', 'outbox_messages', 'outbox_streams']) {
    await knex.schema.dropTableIfExists(table)
  }
}
