import type { Knex } from 'knex'

/**
 * A counter on each user row that usersRepo.lockForUpdate moves. On a multi-primary cluster SELECT … FOR UPDATE
 * locks the row on its own node only; a write to the row is what two nodes cannot both commit (the second gets
 * error 1213 at COMMIT and its transaction is retried), so one resident's rate-limited actions still take turns.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.integer('row_guard').unsigned().notNullable().defaultTo(0)
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('row_guard')
  })
}
