import type { Knex } from 'knex'

/**
 * Case lists (我的诉求, the staff inbox) page newest first by (created_at, id) rather than by id: on a
 * multi-primary cluster each node hands out ids from its own interleaved series, so id order is not time order.
 * The inbox's two scans get indexes in that order, in place of the (…, id) ones.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.index(['region_path', 'created_at', 'id'], 'cases_region_path_created_at_id_index')
    t.index(['assignee_id', 'created_at', 'id'], 'cases_assignee_id_created_at_id_index')
  })
  await knex.schema.alterTable('cases', (t) => {
    t.dropIndex(['region_path', 'id'])
    t.dropIndex(['assignee_id', 'id'], 'cases_assignee_id_id_index')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.index(['region_path', 'id'])
    t.index(['assignee_id', 'id'], 'cases_assignee_id_id_index')
  })
  await knex.schema.alterTable('cases', (t) => {
    t.dropIndex(['region_path', 'created_at', 'id'], 'cases_region_path_created_at_id_index')
    t.dropIndex(['assignee_id', 'created_at', 'id'], 'cases_assignee_id_created_at_id_index')
  })
}
