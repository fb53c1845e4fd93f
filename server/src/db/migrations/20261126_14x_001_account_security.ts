import type { Knex } from 'knex'

/**
 * Logins, sessions and abuse limits.
 * - `rate_limits`: rate-limiter-flexible's table for its SQLite and MySQL stores (exactly these three columns in
 *   this order: its MySQL store inserts positionally). Unused when REDIS_URL points the limiters at Redis.
 * - `users.failed_logins` / `locked_at`: consecutive wrong passwords and the lock they lead to, until an
 *   administrator unlocks the account.
 * - `sessions` (one per login) and `refresh_tokens` (one per rotation): a refresh token works once; presenting a
 *   used one again revokes its session. Access tokens name their session, so logging out ends them too.
 * - `users.community_since` and `community_changes`: when a resident last moved, and why (null: never moved).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key', 255).notNullable().primary()
    t.integer('points').notNullable().defaultTo(0)
    t.bigInteger('expire').unsigned().nullable()
  })

  await knex.schema.alterTable('users', (t) => {
    t.integer('failed_logins').notNullable().defaultTo(0)
    t.datetime('locked_at', { precision: 3 }).nullable()
    t.datetime('community_since', { precision: 3 }).nullable()
  })

  await knex.schema.createTable('sessions', (t) => {
    t.string('id', 32).primary()
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users').index()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.datetime('refreshed_at', { precision: 3 }).nullable()
    t.datetime('revoked_at', { precision: 3 }).nullable()
    // logout | password | disabled | admin | reuse
    t.string('revoked_reason', 16).nullable()
  })

  await knex.schema.createTable('refresh_tokens', (t) => {
    t.string('id', 32).primary()
    t.string('session_id', 32).notNullable().references('id').inTable('sessions').index()
    t.datetime('expires_at', { precision: 3 }).notNullable().index()
    t.datetime('used_at', { precision: 3 }).nullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
  })

  await knex.schema.createTable('community_changes', (t) => {
    t.increments('id').primary()
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users')
    t.integer('from_region_id').unsigned().nullable().references('id').inTable('regions')
    t.integer('to_region_id').unsigned().notNullable().references('id').inTable('regions')
    t.string('reason', 200).notNullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.index(['user_id', 'created_at'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('community_changes')
  await knex.schema.dropTableIfExists('refresh_tokens')
  await knex.schema.dropTableIfExists('sessions')
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('community_since')
    t.dropColumn('locked_at')
    t.dropColumn('failed_logins')
  })
  await knex.schema.dropTableIfExists('rate_limits')
}
