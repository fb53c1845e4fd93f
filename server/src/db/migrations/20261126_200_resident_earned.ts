import type { Knex } from 'knex'

/**
 * A resident's lifetime earnings (awards net of their reversals) kept on the account row beside the balance and
 * moved by the same statement, so the 积分 page reads one row instead of summing the resident's whole history.
 * Backfilled here from the postings; `npm run ledger:verify` checks it against them from then on.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ledger_accounts', (t) => {
    t.bigInteger('earned').notNullable().defaultTo(0)
  })
  await knex.raw(`
    UPDATE ledger_accounts SET earned = (
      SELECT COALESCE(SUM(p.amount), 0) FROM ledger_postings p
      JOIN ledger_transactions t ON t.id = p.transaction_id
      WHERE p.account_id = ledger_accounts.id AND t.kind IN ('award', 'reversal')
    ) WHERE kind = 'resident'`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ledger_accounts', (t) => t.dropColumn('earned'))
}
