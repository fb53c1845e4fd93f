import type { Knex } from 'knex'

/**
 * A grid worker's inbox reads the cases assigned to them, newest first, beside those in their grid: an index on
 * (assignee_id, id) lets that read stop at a page instead of sorting every case the worker ever had.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.index(['assignee_id', 'id'], 'cases_assignee_id_id_index')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropIndex(['assignee_id', 'id'], 'cases_assignee_id_id_index')
  })
}
