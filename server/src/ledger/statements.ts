import type { Knex } from 'knex'
import type { Queryable } from '../db/knex'
import { accountKeyOf } from './accounts'

export interface LedgerEntry {
  transactionId: string
  kind: string
  sourceType: string
  sourceId: string
  memo: string
  amount: number
  createdAt: Date
}

/**
 * A resident's account as kept on its row: balance, every point an award credited net of reversals, and up to when
 * its postings are out of time order or hold a reversal (see `earnedSince`). `id` is null when there is none yet.
 */
export interface ResidentAccount {
  id: number | null
  balance: number
  earned: number
  irregularUntil: Date | null
}

export async function residentAccountOf(db: Queryable, userId: number): Promise<ResidentAccount> {
  const row = await db('ledger_accounts')
    .where({ account_key: accountKeyOf({ kind: 'resident', userId }), slot: 0 })
    .first('id', 'balance', 'earned', 'irregular_until')
  return {
    id: row ? Number(row.id) : null,
    balance: Number(row?.balance ?? 0),
    earned: Number(row?.earned ?? 0),
    irregularUntil: row?.irregular_until == null ? null : new Date(row.irregular_until),
  }
}

/** A resident's balance: the sum of their account (zero when they have none yet). */
export async function balanceOf(db: Queryable, userId: number): Promise<number> {
  return (await residentAccountOf(db, userId)).balance
}

/**
 * Every point ever credited to the resident by an award, net of reversals: the account's `earned` counter, moved
 * by the same statement that moves its balance (`npm run ledger:verify` checks it against the postings).
 */
export async function lifetimeEarned(db: Queryable, userId: number): Promise<number> {
  return (await residentAccountOf(db, userId)).earned
}

/**
 * What would expire if points earned before `cutoff` lapse, oldest first, per resident: the awards made before
 * the cutoff (net of their own reversals), less everything the resident has used since the start (redemptions
 * net of refunds, and earlier expiries). Only residents with something to expire are answered, at most `limit`.
 * `residents` narrows the residents looked at (a list of ids or a subquery selecting them).
 */
export async function expirable(
  db: Queryable,
  { cutoff, residents, limit }: { cutoff: Date; residents: number[] | Knex.QueryBuilder; limit: number },
): Promise<{ userId: number; points: number }[]> {
  const due = db.raw(
    `SUM(CASE WHEN t.kind = 'award' AND t.created_at < ? THEN p.amount
              WHEN t.kind = 'reversal' AND o.created_at < ? THEN p.amount
              WHEN t.kind IN ('redemption', 'refund', 'expiry') THEN p.amount
              ELSE 0 END)`,
    [cutoff, cutoff],
  )
  const rows = await db('ledger_postings as p')
    .join('ledger_accounts as a', 'a.id', 'p.account_id')
    .join('ledger_transactions as t', 't.id', 'p.transaction_id')
    .leftJoin('ledger_transactions as o', 'o.id', 't.reverses_id')
    .where('a.kind', 'resident')
    .whereIn('a.user_id', residents)
    .groupBy('a.user_id')
    .having(due, '>', 0)
    .orderBy('a.user_id')
    .limit(limit)
    .select({ userId: 'a.user_id' }, { points: due })
  return rows.map((r) => ({ userId: Number(r.userId), points: Number(r.points) }))
}

/**
 * What a resident earned since `since` and still holds it from: awards made since then, net of their reversals.
 * Of a resident's balance, everything beyond this was earned before `since` (points are used oldest first), so
 * `balance − earnedSince(cutoff)` is what `expirable` answers for one resident. `account` is the resident's row
 * when the caller has read it already.
 *
 * When the account's postings since `since` are in time order and hold no reversal (its `irregular_until` is
 * before `since`), they are the end of its chain and everything they added to the `earned` counter are awards made
 * since then: the answer is the counter less what it stood at before the first of them (`prior_earned`), two
 * index lookups however long the history. Otherwise the postings since `since` are summed one by one.
 */
export async function earnedSince(db: Queryable, userId: number, since: Date, account?: ResidentAccount): Promise<number> {
  const { id, earned, irregularUntil } = account ?? (await residentAccountOf(db, userId))
  if (id === null) return 0
  if (irregularUntil === null || irregularUntil < since) {
    // The first posting since `since` is the earliest one then (ties: the one the counter stood lowest before).
    const first = db('ledger_postings').where('account_id', id).andWhere('created_at', '>=', since).min('created_at')
    const row = await db('ledger_postings').where('account_id', id).andWhere('created_at', first).min({ prior: 'prior_earned' }).first()
    return row?.prior == null ? 0 : earned - Number(row.prior)
  }
  const row = await db('ledger_accounts as a')
    .join('ledger_postings as p', (j) => j.on('p.account_id', '=', 'a.id').andOnVal('p.created_at', '>=', since))
    .join('ledger_transactions as t', 't.id', 'p.transaction_id')
    .leftJoin('ledger_transactions as o', 'o.id', 't.reverses_id')
    .where({ 'a.account_key': accountKeyOf({ kind: 'resident', userId }), 'a.slot': 0 })
    .first(db.raw(
      `COALESCE(SUM(CASE WHEN t.kind = 'award' THEN p.amount WHEN t.kind = 'reversal' AND o.created_at >= ? THEN p.amount ELSE 0 END), 0) AS total`,
      [since],
    ))
  return Number(row?.total ?? 0)
}

/** The balance of any account, summed over its slots. */
export async function accountBalance(db: Queryable, accountKey: string): Promise<number> {
  const row = await db('ledger_accounts').where({ account_key: accountKey }).sum({ total: 'balance' }).first()
  return Number(row?.total ?? 0)
}

const FIRST_PAGE = 2 ** 31

/** A page of a resident's entries ends at a position in their account's chain; the next page starts below it. */
export function decodeEntriesCursor(text: string): number | undefined {
  return /^[1-9]\d{0,14}$/.test(text) ? Number(text) : undefined
}

/**
 * A resident's entries, newest first, paged by their position in the account's chain (`account_seq`, which the
 * account's lock makes increase with every posting): the page is read backwards along the (account_id,
 * account_seq) index and stops after `limit` rows, however long the history is.
 */
export async function entriesOf(
  db: Queryable,
  userId: number,
  { before, limit }: { before?: number; limit: number },
): Promise<{ items: LedgerEntry[]; next: string | null }> {
  const q = db('ledger_accounts as a')
    .join('ledger_postings as p', 'p.account_id', 'a.id')
    // Every posting has its transaction (`ledger:verify` checks it): the outer join only fixes the order, postings
    // first, so the optimizer cannot start from the transactions and sort the whole history (MariaDB does when
    // one resident's history is most of the ledger's transactions).
    .leftJoin('ledger_transactions as t', 't.id', 'p.transaction_id')
    .where({ 'a.account_key': accountKeyOf({ kind: 'resident', userId }), 'a.slot': 0 })
    .orderBy('p.account_seq', 'desc')
    .limit(limit + 1)
    .select('p.account_seq', 'p.transaction_id', 'p.amount', 'p.created_at', 't.kind', 't.source_type', 't.source_id', 't.memo')
    // The first page too is a range on the index (below any INT), so MariaDB walks it backwards and stops at the
    // page instead of choosing another index of the account's postings and sorting them.
    .where('p.account_seq', '<', before ?? FIRST_PAGE)
  const rows = await q
  const items = rows.slice(0, limit).map((r) => ({
    transactionId: r.transaction_id as string,
    kind: r.kind as string,
    sourceType: r.source_type as string,
    sourceId: r.source_id as string,
    memo: r.memo as string,
    amount: Number(r.amount),
    createdAt: new Date(r.created_at),
  }))
  const last = rows[limit - 1]
  return { items, next: rows.length > limit && last ? String(last.account_seq) : null }
}
