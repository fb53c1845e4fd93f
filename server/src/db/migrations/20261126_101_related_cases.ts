import type { Knex } from 'knex'

/**
 * A report filed anew beside an open case of the same category (the resident said 不是同一问题, or the
 * original is confidential or anonymous and so never offered) keeps a link to that case for its handlers.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.integer('related_case_id').unsigned().nullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('related_case_id')
  })
}
