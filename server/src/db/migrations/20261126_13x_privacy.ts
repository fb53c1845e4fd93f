import type { Knex } from 'knex'

/**
 * Privacy: a reporter's consent to show their photos in public feeds, one-time consents (location tracking on
 * patrol), closed (注销) accounts, and the marks the retention jobs leave on what they have removed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    // Off unless the reporter agreed: Open311 then links the first photo (the EXIF-free copy).
    t.boolean('photos_public').notNullable().defaultTo(false)
  })
  await knex.schema.alterTable('uploads', (t) => {
    // The original (with EXIF) is deleted after UPLOAD_ORIGINAL_RETENTION_DAYS; the re-encoded copy stays.
    t.datetime('original_purged_at', { precision: 3 }).nullable()
    t.index(['original_purged_at', 'created_at'])
  })
  await knex.schema.alterTable('patrols', (t) => {
    // The track is deleted after PATROL_TRACK_RETENTION_DAYS; the patrol, its judgement and its award stay.
    t.datetime('track_purged_at', { precision: 3 }).nullable()
    t.index(['track_purged_at', 'started_at'])
  })
  await knex.schema.alterTable('users', (t) => {
    // Set when a resident closes their account: the row stays (ledger entries and cases point at it), emptied.
    t.datetime('closed_at', { precision: 3 }).nullable()
  })
  // Consents given once and kept server-side (e.g. 'patrol_location'): what, and when.
  await knex.schema.createTable('user_consents', (t) => {
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users')
    t.string('kind', 32).notNullable()
    t.datetime('granted_at', { precision: 3 }).notNullable()
    t.primary(['user_id', 'kind'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('user_consents')
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('closed_at')
  })
  await knex.schema.alterTable('patrols', (t) => {
    t.dropIndex(['track_purged_at', 'started_at'])
    t.dropColumn('track_purged_at')
  })
  await knex.schema.alterTable('uploads', (t) => {
    t.dropIndex(['original_purged_at', 'created_at'])
    t.dropColumn('original_purged_at')
  })
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('photos_public')
  })
}
