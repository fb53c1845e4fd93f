import type { Knex } from 'knex'

/**
 * The points ledger. Accounts are split into slots (rows): a resident has one, a busy account (a region's
 * issuing account, a redemption sink) has several so concurrent postings do not queue behind one row. The
 * balance of an account is the sum of its slots. Each slot carries the head of its own hash chain.
 *
 * The tables carry no foreign keys: each check would cost an index lookup and a shared lock per posting on
 * the hottest write path of the product, and not every MySQL-compatible distributed engine enforces them.
 * `npm run ledger:verify` checks the references instead.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ledger_accounts', (t) => {
    t.increments('id').primary()
    t.string('account_key', 64).notNullable()
    t.integer('slot').notNullable()
    t.string('kind', 16).notNullable()
    t.integer('user_id').unsigned().nullable()
    t.integer('region_id').unsigned().nullable()
    t.bigInteger('balance').notNullable().defaultTo(0)
    t.integer('head_seq').notNullable().defaultTo(0)
    t.string('head_hash', 64).notNullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.unique(['account_key', 'slot'])
    t.index(['user_id'])
  })

  await knex.schema.createTable('ledger_transactions', (t) => {
    t.string('id', 36).primary()
    t.string('idempotency_key', 160).notNullable().unique()
    t.string('kind', 16).notNullable()
    t.string('source_type', 16).notNullable()
    t.string('source_id', 64).notNullable()
    // Set for awards only: one award per source, ever.
    t.string('award_source', 96).nullable().unique()
    // A transaction is reversed at most once.
    t.string('reverses_id', 36).nullable().unique()
    t.integer('proposed_by').unsigned().nullable()
    t.integer('approved_by').unsigned().nullable()
    t.string('memo', 255).notNullable().defaultTo('')
    t.string('content_hash', 64).notNullable()
    // Empty only inside the posting transaction that writes it.
    t.string('hash', 64).notNullable().defaultTo('')
    t.datetime('created_at', { precision: 3 }).notNullable()
  })

  await knex.schema.createTable('ledger_postings', (t) => {
    t.string('transaction_id', 36).notNullable()
    t.integer('account_id').unsigned().notNullable()
    t.bigInteger('amount').notNullable()
    // Position in the slot's chain (1, 2, …) and the slot's head before this posting.
    t.integer('account_seq').notNullable()
    t.string('prev_hash', 64).notNullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.primary(['transaction_id', 'account_id'])
    t.unique(['account_id', 'account_seq'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('ledger_postings')
  await knex.schema.dropTableIfExists('ledger_transactions')
  await knex.schema.dropTableIfExists('ledger_accounts')
}
