import type { Knex } from 'knex'

/**
 * Where a reward is handed over, when that is not the reward's own region: a city reward picked up at each
 * street's 综治中心 lists every street. Staff of a pickup region (or above it) look codes up and fulfil them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reward_pickup_regions', (t) => {
    t.integer('reward_id').unsigned().notNullable().references('id').inTable('rewards')
    t.integer('region_id').unsigned().notNullable().references('id').inTable('regions')
    t.primary(['reward_id', 'region_id'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('reward_pickup_regions')
}
