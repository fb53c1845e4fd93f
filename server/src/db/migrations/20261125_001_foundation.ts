import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('regions', (t) => {
    t.increments('id').primary()
    t.integer('parent_id').unsigned().nullable().references('id').inTable('regions')
    t.string('level', 16).notNullable()
    t.string('name', 64).notNullable()
    t.string('code', 32).notNullable().unique()
    // Materialised path of ids, e.g. "/1/4/9/": a subtree is everything whose path starts with its root's.
    t.string('path', 255).notNullable().index()
    t.datetime('created_at', { precision: 3 }).notNullable()
  })

  await knex.schema.createTable('users', (t) => {
    t.increments('id').primary()
    t.string('openid', 64).nullable().unique()
    t.string('unionid', 64).nullable()
    t.string('username', 64).nullable().unique()
    t.string('password_hash', 255).nullable()
    t.string('display_name', 64).notNullable()
    t.string('role', 16).notNullable()
    t.integer('region_id').unsigned().nullable().references('id').inTable('regions')
    // Bumped to revoke every token issued before.
    t.integer('token_version').notNullable().defaultTo(0)
    t.boolean('disabled').notNullable().defaultTo(false)
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.datetime('updated_at', { precision: 3 }).notNullable()
  })

  // WeChat's session_key stays on the server, apart from the user row that presenters read.
  await knex.schema.createTable('wechat_sessions', (t) => {
    t.integer('user_id').unsigned().primary().references('id').inTable('users')
    t.string('session_key', 128).notNullable()
    t.datetime('updated_at', { precision: 3 }).notNullable()
  })

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.string('scope', 64).notNullable()
    t.string('idem_key', 128).notNullable()
    t.string('method', 8).notNullable()
    t.string('path', 255).notNullable()
    t.string('request_hash', 64).notNullable()
    t.integer('status_code').notNullable()
    t.text('response_body', 'mediumtext').notNullable()
    t.datetime('created_at', { precision: 3 }).notNullable().index()
    t.primary(['scope', 'idem_key'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('idempotency_keys')
  await knex.schema.dropTableIfExists('wechat_sessions')
  await knex.schema.dropTableIfExists('users')
  await knex.schema.dropTableIfExists('regions')
}
