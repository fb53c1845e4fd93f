import type { Knex } from 'knex'

/**
 * A reward's picture is an upload, like a report's photos: the reward names it, and the upload records which
 * reward took it (as `case_id` does for reports), so the sweep of abandoned uploads leaves it alone. The free
 * `image_url` column of 003 stays, unused, rather than dropping what a caller may have stored there.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('rewards', (t) => {
    t.string('image_upload_id', 32).nullable()
  })
  await knex.schema.alterTable('uploads', (t) => {
    t.integer('reward_id').unsigned().nullable().index()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('uploads', (t) => {
    t.dropIndex(['reward_id'])
    t.dropColumn('reward_id')
  })
  await knex.schema.alterTable('rewards', (t) => {
    t.dropColumn('image_upload_id')
  })
}
