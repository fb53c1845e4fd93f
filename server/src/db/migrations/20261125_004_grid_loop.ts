import type { Knex } from 'knex'

/** Intake, cases and the grid loop: categories, grid areas, uploads, cases, their events, followers, outbox. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('case_categories', (t) => {
    t.increments('id').primary()
    t.string('code', 32).notNullable().unique()
    t.string('kind', 16).notNullable()
    t.string('name', 32).notNullable()
    t.string('colour', 8).notNullable()
    t.integer('response_sla_hours').notNullable()
    t.integer('resolve_sla_hours').notNullable()
    // The region level that first handles a case: the grid's ancestor at this level.
    t.string('routing_level', 16).notNullable()
    // JSON array of RequiredField.
    t.string('required_fields', 255).notNullable().defaultTo('[]')
    t.integer('points').notNullable().defaultTo(0)
    t.boolean('confidential').notNullable().defaultTo(false)
    t.boolean('active').notNullable().defaultTo(true)
    t.integer('sort_order').notNullable().defaultTo(0)
    t.datetime('updated_at', { precision: 3 }).notNullable()
  })

  // A grid's area as a GCJ-02 polygon (JSON [[lat, lng], …]) with its bounding box for a quick first filter.
  await knex.schema.createTable('grid_areas', (t) => {
    t.integer('region_id').unsigned().primary().references('id').inTable('regions')
    t.text('polygon').notNullable()
    t.double('min_lat').notNullable()
    t.double('max_lat').notNullable()
    t.double('min_lng').notNullable()
    t.double('max_lng').notNullable()
    t.double('centre_lat').notNullable()
    t.double('centre_lng').notNullable()
    t.datetime('updated_at', { precision: 3 }).notNullable()
  })

  // A photo: the re-encoded copy everyone sees (EXIF stripped) and the original only the centre may fetch.
  await knex.schema.createTable('uploads', (t) => {
    t.string('id', 32).primary()
    t.integer('owner_id').unsigned().notNullable().references('id').inTable('users')
    t.string('content_type', 32).notNullable()
    t.integer('size').notNullable()
    t.integer('width').notNullable()
    t.integer('height').notNullable()
    t.string('public_key', 128).notNullable()
    t.string('original_key', 128).notNullable()
    t.integer('case_id').unsigned().nullable().index()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.index(['owner_id', 'created_at'])
  })

  // Per-day counter behind human case numbers (China date).
  await knex.schema.createTable('case_number_counters', (t) => {
    t.string('day', 8).primary()
    t.integer('last').notNullable().defaultTo(0)
  })

  await knex.schema.createTable('cases', (t) => {
    t.increments('id').primary()
    t.string('number', 16).notNullable().unique()
    t.string('kind', 16).notNullable()
    t.string('category_code', 32).notNullable()
    t.string('colour', 8).notNullable()
    t.string('status', 16).notNullable()
    t.text('text').notNullable()
    t.double('lat').notNullable()
    t.double('lng').notNullable()
    t.string('address', 200).notNullable()
    t.string('plate', 16).nullable()
    // JSON array of upload ids: the reporter's photos.
    t.string('photo_ids', 400).notNullable().defaultTo('[]')
    t.boolean('anonymous').notNullable().defaultTo(false)
    t.boolean('confidential').notNullable().defaultTo(false)
    t.integer('reporter_id').unsigned().notNullable().references('id').inTable('users')
    // Where the case is handled now (moves up on escalation), with its path for scope checks.
    t.integer('region_id').unsigned().notNullable().references('id').inTable('regions')
    t.string('region_path', 255).notNullable()
    // Where it happened: fixed at intake.
    t.integer('grid_id').unsigned().notNullable().references('id').inTable('regions')
    t.string('grid_path', 255).notNullable()
    t.integer('assignee_id').unsigned().nullable().references('id').inTable('users')
    t.datetime('occurred_at', { precision: 3 }).notNullable()
    t.datetime('response_due_at', { precision: 3 }).notNullable()
    t.datetime('resolve_due_at', { precision: 3 }).notNullable()
    t.boolean('response_overdue').notNullable().defaultTo(false)
    t.boolean('resolve_overdue').notNullable().defaultTo(false)
    t.string('outcome', 16).nullable()
    t.boolean('rating_satisfied').nullable()
    t.string('rating_comment', 500).nullable()
    t.integer('reopen_count').notNullable().defaultTo(0)
    t.integer('follower_count').notNullable().defaultTo(0)
    t.datetime('accepted_at', { precision: 3 }).nullable()
    t.datetime('resolved_at', { precision: 3 }).nullable()
    t.datetime('closed_at', { precision: 3 }).nullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.datetime('updated_at', { precision: 3 }).notNullable()
    // Handed to an Open311 client with the request; resolves to the case number at /open311/v2/tokens/.
    t.string('open311_token', 36).nullable().unique()
    // Optimistic lock: every transition bumps it, so two handlers cannot both move the same state.
    t.integer('version').notNullable().defaultTo(0)
    t.index(['region_path', 'id'])
    t.index(['status', 'response_due_at'])
    t.index(['status', 'resolve_due_at'])
    t.index(['category_code', 'plate', 'created_at'])
    t.index(['category_code', 'created_at'])
    t.index(['reporter_id', 'created_at'])
  })

  // Immutable: rows are only ever inserted.
  await knex.schema.createTable('case_events', (t) => {
    t.increments('id').primary()
    t.integer('case_id').unsigned().notNullable().references('id').inTable('cases')
    t.string('kind', 16).notNullable()
    t.string('from_status', 16).nullable()
    t.string('to_status', 16).nullable()
    t.integer('actor_id').unsigned().nullable().references('id').inTable('users')
    t.string('actor_role', 16).nullable()
    t.text('note').nullable()
    t.string('photo_ids', 400).notNullable().defaultTo('[]')
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.index(['case_id', 'id'])
    // Per-user rate limits count a resident's submissions (new or linked) from here.
    t.index(['actor_id', 'created_at'])
  })

  // Who follows a case: its reporter, and residents whose report was found to be a duplicate of it.
  await knex.schema.createTable('case_followers', (t) => {
    t.integer('case_id').unsigned().notNullable().references('id').inTable('cases')
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users')
    t.string('relation', 16).notNullable()
    t.boolean('anonymous').notNullable().defaultTo(false)
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.primary(['case_id', 'user_id'])
    t.index(['user_id', 'case_id'])
    t.index(['user_id', 'created_at'])
  })

  // External grid platforms a region forwards its cases to.
  await knex.schema.createTable('grid_platforms', (t) => {
    t.increments('id').primary()
    t.integer('region_id').unsigned().notNullable().references('id').inTable('regions')
    t.string('name', 64).notNullable()
    t.string('url', 512).notNullable()
    t.string('secret', 128).notNullable()
    // The account its callbacks act as: a staff-type user of the platform's region that cannot log in.
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users')
    t.boolean('active').notNullable().defaultTo(true)
    t.datetime('created_at', { precision: 3 }).notNullable()
  })

  // Case events waiting to leave the process, written in the transaction that made them.
  await knex.schema.createTable('outbox', (t) => {
    t.increments('id').primary()
    t.integer('event_id').unsigned().notNullable().references('id').inTable('case_events')
    t.integer('case_id').unsigned().notNullable().references('id').inTable('cases')
    t.integer('platform_id').unsigned().notNullable().references('id').inTable('grid_platforms')
    t.string('idempotency_key', 64).notNullable().unique()
    t.text('payload', 'mediumtext').notNullable()
    // pending → delivered | dead (a dead letter is replayed back to pending by an admin).
    t.string('status', 16).notNullable()
    t.integer('attempts').notNullable().defaultTo(0)
    t.datetime('next_attempt_at', { precision: 3 }).notNullable()
    t.string('last_error', 255).nullable()
    t.datetime('delivered_at', { precision: 3 }).nullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.index(['status', 'next_attempt_at'])
    // A case's messages go to a platform in order: a later one waits while an earlier one is undelivered.
    t.index(['platform_id', 'case_id', 'status'])
  })

  // Callbacks from external platforms already applied, so a repeat gets the first answer.
  await knex.schema.createTable('grid_callbacks', (t) => {
    t.integer('platform_id').unsigned().notNullable().references('id').inTable('grid_platforms')
    t.string('external_id', 64).notNullable()
    t.integer('case_id').unsigned().notNullable().references('id').inTable('cases')
    t.text('response').notNullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.primary(['platform_id', 'external_id'])
  })

  // Open311 API keys issued by an admin; only the key's hash is kept.
  await knex.schema.createTable('open311_keys', (t) => {
    t.increments('id').primary()
    t.string('name', 64).notNullable()
    t.string('key_hash', 64).notNullable().unique()
    // The account requests filed with this key are reported by.
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users')
    t.integer('created_by').unsigned().notNullable().references('id').inTable('users')
    t.datetime('revoked_at', { precision: 3 }).nullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
  })

  // In-app notices about cases (督办 to the supervisor level); subscribe messages go through the outbox later.
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
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'case_notifications', 'open311_keys', 'grid_callbacks', 'outbox', 'grid_platforms', 'case_followers', 'case_events', 'cases',
    'case_number_counters', 'uploads', 'grid_areas', 'case_categories',
  ]) {
    await knex.schema.dropTableIfExists(table)
  }
}
