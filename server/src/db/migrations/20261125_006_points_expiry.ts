import type { Knex } from 'knex'

/**
 * Points expiry, for regions that enable it: points earned more than `points_valid_months` ago and not yet
 * spent move to the region's expiry sink. Null (the default) means points never expire. The setting is found
 * like the other award settings, on the resident's community or its nearest ancestor with a settings row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('award_settings', (t) => {
    t.integer('points_valid_months').nullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('award_settings', (t) => {
    t.dropColumn('points_valid_months')
  })
}
