import type { Knex } from 'knex'

/** Buckets of the time-to-close histogram kept in each case rollup row (see rollups/caseFigures.ts). */
const CLOSE_BUCKETS = 17

/**
 * Daily rollups behind the governance console and the case metrics: case figures per (China) filing day,
 * grid and grid worker, kept up to date in the same transaction as every case write; filings per day, grid
 * and category; and the indexes that bound the raw queries by time.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('case_daily_rollups', (t) => {
    // The China date the cases were filed, YYYY-MM-DD.
    t.string('day', 10).notNullable()
    t.integer('grid_id').unsigned().notNullable()
    // 0 for cases not dispatched to anyone.
    t.integer('assignee_id').unsigned().notNullable()
    t.string('grid_path', 255).notNullable()
    for (const column of [
      'filed', 'rejected', 'accepted', 'accepted_on_time', 'closed', 'closed_on_time', 'fixed', 'not_fixed', 'no_action',
      'rated', 'satisfied', 'overdue', 'open',
    ]) {
      t.integer(column).notNullable().defaultTo(0)
    }
    for (let i = 0; i < CLOSE_BUCKETS; i++) t.integer(`close_h${i}`).notNullable().defaultTo(0)
    t.primary(['day', 'grid_id', 'assignee_id'])
    t.index(['day', 'grid_path'])
  })

  await knex.schema.createTable('case_category_daily', (t) => {
    t.string('day', 10).notNullable()
    t.integer('grid_id').unsigned().notNullable()
    t.string('category_code', 32).notNullable()
    t.string('grid_path', 255).notNullable()
    t.integer('filed').notNullable().defaultTo(0)
    t.primary(['day', 'grid_id', 'category_code'])
    t.index(['day', 'grid_path'])
  })

  // What has been rebuilt from the raw rows, so a deployment backfills once.
  await knex.schema.createTable('rollup_state', (t) => {
    t.string('name', 32).primary()
    t.string('value', 64).notNullable()
    t.datetime('updated_at', { precision: 3 }).notNullable()
  })

  await knex.schema.alterTable('cases', (t) => {
    // Rebuilding a day's rollups and the lists behind a figure read cases by filing time.
    t.index(['created_at'])
    t.index(['grid_id', 'created_at'])
    // The 红黄绿 board: open cases handled under a region.
    t.index(['status', 'region_path'])
  })
  await knex.schema.alterTable('ledger_postings', (t) => {
    // Points figures for a period: the postings of a region's issuing and sink accounts between two instants.
    t.index(['account_id', 'created_at', 'amount'])
  })
  await knex.schema.alterTable('ledger_accounts', (t) => {
    // A region's issuing and sink accounts, without reading every resident's.
    t.index(['region_id', 'kind'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ledger_accounts', (t) => t.dropIndex(['region_id', 'kind']))
  await knex.schema.alterTable('ledger_postings', (t) => t.dropIndex(['account_id', 'created_at', 'amount']))
  await knex.schema.alterTable('cases', (t) => {
    t.dropIndex(['status', 'region_path'])
    t.dropIndex(['grid_id', 'created_at'])
    t.dropIndex(['created_at'])
  })
  await knex.schema.dropTableIfExists('rollup_state')
  await knex.schema.dropTableIfExists('case_category_daily')
  await knex.schema.dropTableIfExists('case_daily_rollups')
}
