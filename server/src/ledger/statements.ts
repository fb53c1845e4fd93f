import type { Knex } from 'knex'
import type { Queryable } from '../db/knex'
import { encodeCursor, type KeysetCursor } from '../lib/keysetCursor'
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

/** A resident's balance: the sum of their account (zero when they have none yet). */
export async function balanceOf(db: Queryable, userId: number): Promise<number> {
  const row = await db('ledger_accounts').where({ account_key: accountKeyOf({ kind: 'resident', userId }) }).sum({ total: 'balance' }).first()
  return Number(row?.total ?? 0)
}

/** Every point ever credited to the resident by an award, net of reversals. */
export async function lifetimeEarned(db: Queryable, userId: number): Promise<number> {
  const row = await db('ledger_postings as p')
    .join('ledger_accounts as a', 'a.id', 'p.account_id')
    .join('ledger_transactions as t', 't.id', 'p.transaction_id')
    .where('a.account_key', accountKeyOf({ kind: 'resident', userId }))
    .whereIn('t.kind', ['award', 'reversal'])
    .sum({ total: 'p.amount' })
    .first()
  return Number(row?.total ?? 0)
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

/** The balance of any account, summed over its slots. */
export async function accountBalance(db: Queryable, accountKey: string): Promise<number> {
  const row = await db('ledger_accounts').where({ account_key: accountKey }).sum({ total: 'balance' }).first()
  return Number(row?.total ?? 0)
}

/** A resident's entries, newest first, paged by (time, transaction id) rather than by offset. */
export async function entriesOf(
  db: Queryable,
  userId: number,
  { before, limit }: { before?: KeysetCursor; limit: number },
): Promise<{ items: LedgerEntry[]; next: string | null }> {
  const q = db('ledger_postings as p')
    .join('ledger_accounts as a', 'a.id', 'p.account_id')
    .join('ledger_transactions as t', 't.id', 'p.transaction_id')
    .where('a.account_key', accountKeyOf({ kind: 'resident', userId }))
    .orderBy([{ column: 'p.created_at', order: 'desc' }, { column: 'p.transaction_id', order: 'desc' }])
    .limit(limit + 1)
    .select('p.transaction_id', 'p.amount', 'p.created_at', 't.kind', 't.source_type', 't.source_id', 't.memo')
  if (before) {
    const at = new Date(before.createdAtMs)
    q.where((w) =>
      w.where('p.created_at', '<', at).orWhere((w2) => w2.where('p.created_at', '=', at).andWhere('p.transaction_id', '<', before.id)),
    )
  }
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
  const last = items[items.length - 1]
  return {
    items,
    next: rows.length > limit && last ? encodeCursor({ createdAtMs: last.createdAt.getTime(), id: last.transactionId }) : null,
  }
}
