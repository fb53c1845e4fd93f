import type { Knex } from 'knex'

/**
 * What a resident has earned since a cutoff (the 积分 page's expiry preview) read from two rows instead of the
 * resident's whole validity period:
 *
 * - `ledger_postings.prior_earned`: the account's `earned` counter just before the posting, so the counter's
 *   growth since any posting is `earned − prior_earned`;
 * - `ledger_accounts.head_at`: the latest time any of the account's postings carries;
 * - `ledger_accounts.irregular_until`: the latest time up to which the account's postings are not in time order
 *   (a posting dated before one already in the chain) or include a reversal. From a cutoff after it, the postings
 *   since the cutoff are the end of the chain, in time order, and all they add to `earned` was earned since then.
 *
 * Kept for resident accounts by the posting path (in the statements it already sends), backfilled here;
 * `npm run ledger:verify` checks them against the postings.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ledger_postings', (t) => {
    t.bigInteger('prior_earned').notNullable().defaultTo(0)
  })
  await knex.schema.alterTable('ledger_accounts', (t) => {
    t.datetime('head_at', { precision: 3 }).nullable()
    t.datetime('irregular_until', { precision: 3 }).nullable()
  })
  await backfill(knex)
}

const ACCOUNTS_PER_BATCH = 100
const ROWS_PER_INSERT = 500

/**
 * Replays each resident account's chain in order, a batch of accounts at a time, into two scratch tables, then
 * sets the columns from them in one statement each (a window function over every posting needs MariaDB to spill
 * temporary tables to disk at a million rows, slowly and, on 10.11, not always successfully).
 */
async function backfill(knex: Knex): Promise<void> {
  await knex.schema.createTable('backfill_prior_earned', (t) => {
    t.integer('account_id').unsigned().notNullable()
    t.integer('account_seq').notNullable()
    t.bigInteger('prior_earned').notNullable()
    t.primary(['account_id', 'account_seq'])
  })
  await knex.schema.createTable('backfill_time_marks', (t) => {
    t.integer('account_id').unsigned().primary()
    t.datetime('head_at', { precision: 3 }).notNullable()
    t.datetime('irregular_until', { precision: 3 }).nullable()
  })
  let after = 0
  for (;;) {
    const accounts = (await knex('ledger_accounts').where('kind', 'resident').andWhere('id', '>', after).orderBy('id').limit(ACCOUNTS_PER_BATCH).pluck('id')).map(Number)
    if (accounts.length === 0) break
    after = accounts[accounts.length - 1]!
    const postings = await knex('ledger_postings as p')
      .leftJoin('ledger_transactions as t', 't.id', 'p.transaction_id')
      .whereIn('p.account_id', accounts)
      .orderBy([{ column: 'p.account_id' }, { column: 'p.account_seq' }])
      .select('p.account_id', 'p.account_seq', 'p.amount', 'p.created_at', 't.kind')
    const priors: { account_id: number; account_seq: number; prior_earned: number }[] = []
    const marks = new Map<number, { account_id: number; head_at: number; irregular_until: number | null; earned: number }>()
    for (const p of postings) {
      const accountId = Number(p.account_id)
      const at = new Date(p.created_at).getTime()
      let m = marks.get(accountId)
      if (!m) marks.set(accountId, (m = { account_id: accountId, head_at: at, irregular_until: null, earned: 0 }))
      else if (at < m.head_at) m.irregular_until = Math.max(m.irregular_until ?? m.head_at, m.head_at)
      if (p.kind === 'reversal' && at >= m.head_at) m.irregular_until = Math.max(m.irregular_until ?? at, at)
      m.head_at = Math.max(m.head_at, at)
      if (m.earned !== 0) priors.push({ account_id: accountId, account_seq: Number(p.account_seq), prior_earned: m.earned })
      if (p.kind === 'award' || p.kind === 'reversal') m.earned += Number(p.amount)
    }
    for (let i = 0; i < priors.length; i += ROWS_PER_INSERT) await knex('backfill_prior_earned').insert(priors.slice(i, i + ROWS_PER_INSERT))
    const rows = [...marks.values()].map((m) => ({
      account_id: m.account_id, head_at: new Date(m.head_at), irregular_until: m.irregular_until === null ? null : new Date(m.irregular_until),
    }))
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await knex('backfill_time_marks').insert(rows.slice(i, i + ROWS_PER_INSERT))
  }
  if ((knex.client as { config: { client: string } }).config.client === 'mysql2') {
    await knex.raw(`UPDATE ledger_postings p JOIN backfill_prior_earned b ON b.account_id = p.account_id AND b.account_seq = p.account_seq
      SET p.prior_earned = b.prior_earned`)
    await knex.raw(`UPDATE ledger_accounts a JOIN backfill_time_marks b ON b.account_id = a.id SET a.head_at = b.head_at, a.irregular_until = b.irregular_until`)
  } else {
    await knex.raw(`UPDATE ledger_postings SET prior_earned = b.prior_earned FROM backfill_prior_earned b
      WHERE b.account_id = ledger_postings.account_id AND b.account_seq = ledger_postings.account_seq`)
    await knex.raw(`UPDATE ledger_accounts SET head_at = b.head_at, irregular_until = b.irregular_until FROM backfill_time_marks b WHERE b.account_id = ledger_accounts.id`)
  }
  await knex.schema.dropTable('backfill_prior_earned')
  await knex.schema.dropTable('backfill_time_marks')
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ledger_postings', (t) => t.dropColumn('prior_earned'))
  await knex.schema.alterTable('ledger_accounts', (t) => {
    t.dropColumn('head_at')
    t.dropColumn('irregular_until')
  })
}
