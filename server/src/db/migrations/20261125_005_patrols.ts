import type { Knex } from 'knex'

/** Volunteer patrols: teams, routes with QR checkpoints, patrols with compact tracks, check-ins, judgements. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('patrol_teams', (t) => {
    t.increments('id').primary()
    // Always a community.
    t.integer('region_id').unsigned().notNullable().references('id').inTable('regions')
    t.string('name', 64).notNullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.index(['region_id'])
  })

  // The truth about who is a volunteer of which team; users.role = 'volunteer' only mirrors it.
  await knex.schema.createTable('patrol_memberships', (t) => {
    t.increments('id').primary()
    t.integer('team_id').unsigned().notNullable().references('id').inTable('patrol_teams')
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users')
    t.string('status', 16).notNullable()
    t.integer('decided_by').unsigned().nullable().references('id').inTable('users')
    t.datetime('decided_at', { precision: 3 }).nullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.datetime('updated_at', { precision: 3 }).notNullable()
    t.unique(['team_id', 'user_id'])
    t.index(['user_id', 'status'])
    t.index(['team_id', 'status'])
  })

  await knex.schema.createTable('patrol_routes', (t) => {
    t.increments('id').primary()
    t.integer('team_id').unsigned().notNullable().references('id').inTable('patrol_teams')
    t.string('name', 64).notNullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.index(['team_id'])
  })

  await knex.schema.createTable('patrol_checkpoints', (t) => {
    t.increments('id').primary()
    t.integer('route_id').unsigned().notNullable().references('id').inTable('patrol_routes')
    t.integer('seq').notNullable()
    t.string('name', 64).notNullable()
    // GCJ-02, as the phones report it.
    t.double('lat').notNullable()
    t.double('lng').notNullable()
    t.integer('radius_m').notNullable()
    // The QR code names the version and is signed over it and the salt: rotating both retires old printouts.
    t.integer('token_version').notNullable().defaultTo(1)
    t.string('token_salt', 32).notNullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.datetime('updated_at', { precision: 3 }).notNullable()
    t.unique(['route_id', 'seq'])
  })

  await knex.schema.createTable('patrols', (t) => {
    t.increments('id').primary()
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users')
    t.integer('team_id').unsigned().notNullable().references('id').inTable('patrol_teams')
    t.integer('route_id').unsigned().notNullable().references('id').inTable('patrol_routes')
    t.integer('region_id').unsigned().notNullable().references('id').inTable('regions')
    t.string('status', 16).notNullable()
    // Set to user_id while running, null after: the unique index lets a volunteer run one patrol at a time,
    // even when two phones start at once.
    t.integer('running_user_id').unsigned().nullable().unique()
    t.double('start_lat').notNullable()
    t.double('start_lng').notNullable()
    t.double('start_accuracy').nullable()
    t.datetime('started_at', { precision: 3 }).notNullable()
    t.datetime('ended_at', { precision: 3 }).nullable()
    t.boolean('auto_closed').notNullable().defaultTo(false)
    t.integer('checkpoints_total').notNullable()
    t.integer('checkpoints_done').notNullable().defaultTo(0)
    t.integer('duration_s').nullable()
    t.integer('distance_m').nullable()
    t.boolean('valid').nullable()
    t.boolean('rewarded').notNullable().defaultTo(false)
    // The judgement as shown to the volunteer (JSON: summary, reasons with codes, stats).
    t.text('judgement').nullable()
    t.datetime('judged_at', { precision: 3 }).nullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.datetime('updated_at', { precision: 3 }).notNullable()
    t.index(['user_id', 'started_at'])
    t.index(['status', 'started_at'])
    t.index(['team_id', 'started_at'])
    t.index(['region_id', 'status', 'id'])
  })

  // A running patrol's track: one row per uploaded batch, points delta-encoded in a blob. The key makes a
  // resent batch a no-op. On finish the batches are folded into patrol_tracks and deleted.
  await knex.schema.createTable('patrol_track_batches', (t) => {
    t.integer('patrol_id').unsigned().notNullable().references('id').inTable('patrols')
    t.integer('batch_seq').notNullable()
    t.integer('point_count').notNullable()
    t.binary('points').notNullable()
    t.datetime('received_at', { precision: 3 }).notNullable()
    t.primary(['patrol_id', 'batch_seq'])
  })

  // A finished patrol's whole track: one row, one blob (about 4 bytes a point).
  await knex.schema.createTable('patrol_tracks', (t) => {
    t.integer('patrol_id').unsigned().primary().references('id').inTable('patrols')
    t.integer('point_count').notNullable()
    t.integer('last_batch_seq').notNullable()
    t.binary('points').notNullable()
  })

  await knex.schema.createTable('patrol_check_ins', (t) => {
    t.increments('id').primary()
    t.integer('patrol_id').unsigned().notNullable().references('id').inTable('patrols')
    t.integer('checkpoint_id').unsigned().notNullable().references('id').inTable('patrol_checkpoints')
    t.double('lat').notNullable()
    t.double('lng').notNullable()
    t.double('accuracy').nullable()
    t.integer('distance_m').notNullable()
    t.integer('token_version').notNullable()
    t.boolean('token_current').notNullable()
    t.boolean('within_radius').notNullable()
    t.boolean('accepted').notNullable()
    t.datetime('checked_at', { precision: 3 }).notNullable()
    t.index(['patrol_id'])
    // Coverage: visits of a checkpoint since a day or a week ago.
    t.index(['checkpoint_id', 'accepted', 'checked_at'])
  })

  // A hazard spotted on patrol: the case it opened (or joined), linked to the patrol and the checkpoint.
  await knex.schema.createTable('patrol_hazard_reports', (t) => {
    t.integer('patrol_id').unsigned().notNullable().references('id').inTable('patrols')
    t.integer('case_id').unsigned().notNullable().references('id').inTable('cases')
    t.integer('checkpoint_id').unsigned().nullable().references('id').inTable('patrol_checkpoints')
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.primary(['patrol_id', 'case_id'])
    t.index(['case_id'])
  })
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'patrol_hazard_reports', 'patrol_check_ins', 'patrol_tracks', 'patrol_track_batches', 'patrols', 'patrol_checkpoints', 'patrol_routes',
    'patrol_memberships', 'patrol_teams',
  ]) {
    await knex.schema.dropTableIfExists(table)
  }
}
