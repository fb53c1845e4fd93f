import type { Knex } from 'knex'

/** Award rules and proposals on top of the ledger, and the rewards mall. */
export async function up(knex: Knex): Promise<void> {
  // Per-region award policy; a region without its own row uses its nearest ancestor's.
  await knex.schema.createTable('award_settings', (t) => {
    t.integer('region_id').unsigned().primary().references('id').inTable('regions')
    t.integer('monthly_budget').nullable()
    t.integer('daily_cap_per_resident').nullable()
    t.integer('monthly_cap_per_resident').nullable()
    t.datetime('updated_at', { precision: 3 }).notNullable()
  })

  // Points per kind of verified action; category_code '' is the kind's default.
  await knex.schema.createTable('award_rules', (t) => {
    t.increments('id').primary()
    t.integer('region_id').unsigned().notNullable().references('id').inTable('regions')
    t.string('kind', 16).notNullable()
    t.string('category_code', 32).notNullable().defaultTo('')
    t.integer('points').notNullable()
    t.boolean('auto_approve').notNullable().defaultTo(false)
    t.datetime('updated_at', { precision: 3 }).notNullable()
    t.unique(['region_id', 'kind', 'category_code'])
  })

  // What a region has issued in a month, checked against its budget in one guarded update.
  await knex.schema.createTable('award_budget_usage', (t) => {
    t.integer('region_id').unsigned().notNullable().references('id').inTable('regions')
    t.string('month', 7).notNullable()
    t.integer('used').notNullable().defaultTo(0)
    t.primary(['region_id', 'month'])
  })

  await knex.schema.createTable('awards', (t) => {
    t.string('id', 36).primary()
    t.integer('region_id').unsigned().notNullable().references('id').inTable('regions')
    // The region whose issuing account and budget pay for it.
    t.integer('funding_region_id').unsigned().notNullable().references('id').inTable('regions')
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users')
    t.string('kind', 16).notNullable()
    t.string('source_type', 16).notNullable()
    t.string('source_id', 64).notNullable()
    t.integer('points').notNullable()
    t.integer('granted_points').nullable()
    t.string('status', 16).notNullable()
    t.string('reason', 255).notNullable()
    t.integer('proposed_by').unsigned().nullable().references('id').inTable('users')
    t.integer('decided_by').unsigned().nullable().references('id').inTable('users')
    t.string('decision_note', 255).nullable()
    t.string('ledger_transaction_id', 36).nullable()
    t.datetime('decided_at', { precision: 3 }).nullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.datetime('updated_at', { precision: 3 }).notNullable()
    t.unique(['source_type', 'source_id'])
    t.index(['status', 'region_id'])
    t.index(['user_id', 'status'])
  })

  // Points clawed back from a resident who had already spent them; the next awards repay it.
  await knex.schema.createTable('award_debts', (t) => {
    t.integer('user_id').unsigned().primary().references('id').inTable('users')
    t.integer('outstanding').notNullable().defaultTo(0)
    t.datetime('updated_at', { precision: 3 }).notNullable()
  })

  await knex.schema.createTable('rewards', (t) => {
    t.increments('id').primary()
    // Scope: residents whose community is this region or under it may redeem.
    t.integer('region_id').unsigned().notNullable().references('id').inTable('regions')
    t.string('title', 64).notNullable()
    t.text('description').notNullable()
    t.string('image_url', 512).notNullable().defaultTo('')
    t.integer('points_cost').notNullable()
    t.integer('stock_total').notNullable()
    t.integer('stock_remaining').notNullable()
    t.integer('per_resident_limit').notNullable()
    t.datetime('valid_from', { precision: 3 }).notNullable()
    t.datetime('valid_until', { precision: 3 }).notNullable()
    t.string('pickup_place', 128).notNullable()
    t.string('pickup_instructions', 255).notNullable().defaultTo('')
    t.string('status', 16).notNullable()
    t.integer('created_by').unsigned().nullable().references('id').inTable('users')
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.datetime('updated_at', { precision: 3 }).notNullable()
    t.index(['status', 'region_id'])
  })

  await knex.schema.createTable('redemptions', (t) => {
    t.string('id', 36).primary()
    t.string('code', 32).notNullable().unique()
    // No foreign key to rewards on purpose: the check would take a shared lock on the reward row that the
    // stock update then has to upgrade, and concurrent redemptions of one reward would deadlock on it.
    t.integer('reward_id').unsigned().notNullable()
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users')
    t.integer('points').notNullable()
    t.string('status', 16).notNullable()
    t.datetime('expires_at', { precision: 3 }).notNullable()
    t.integer('closed_by').unsigned().nullable().references('id').inTable('users')
    t.datetime('closed_at', { precision: 3 }).nullable()
    t.datetime('created_at', { precision: 3 }).notNullable()
    t.datetime('updated_at', { precision: 3 }).notNullable()
    t.index(['user_id', 'created_at'])
    t.index(['reward_id', 'user_id', 'status'])
    t.index(['status', 'expires_at'])
  })
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['redemptions', 'rewards', 'award_debts', 'awards', 'award_budget_usage', 'award_rules', 'award_settings']) {
    await knex.schema.dropTableIfExists(table)
  }
}
