import type { Queryable } from '../db/knex'
import { contentHashOf, GENESIS_HASH, transactionHashOf } from './hash'

export interface LedgerProblem {
  kind:
    | 'unbalanced_transaction'
    | 'too_few_postings'
    | 'content_hash_mismatch'
    | 'transaction_hash_mismatch'
    | 'chain_broken'
    | 'slot_head_mismatch'
    | 'slot_balance_mismatch'
    | 'negative_resident_balance'
    | 'ledger_not_zero'
    | 'dangling_reversal'
    | 'dangling_posting'
  subject: string
  detail: string
}

export interface VerifyReport {
  transactions: number
  postings: number
  accounts: number
  problems: LedgerProblem[]
}

const BATCH = 1000

/**
 * Replays the ledger from its rows and checks every invariant: each transaction balances and hashes to
 * what is stored, each slot's chain links posting to posting and ends at the slot's head, every slot's
 * balance is the sum of its postings, no resident is below zero, and all balances sum to zero.
 */
export async function verifyLedger(db: Queryable): Promise<VerifyReport> {
  const problems: LedgerProblem[] = []
  let transactions = 0
  let postingsSeen = 0

  // 1. Transactions: balance and hashes, a batch at a time in id order.
  let afterId = ''
  for (;;) {
    const txs = await db('ledger_transactions').where('id', '>', afterId).orderBy('id').limit(BATCH)
    if (txs.length === 0) break
    afterId = txs[txs.length - 1].id
    const postings = await db('ledger_postings as p')
      .join('ledger_accounts as a', 'a.id', 'p.account_id')
      .whereIn('p.transaction_id', txs.map((t) => t.id))
      .select('p.transaction_id', 'p.account_id', 'p.amount', 'p.account_seq', 'p.prev_hash', 'a.account_key')
    const byTx = new Map<string, typeof postings>()
    for (const p of postings) {
      const list = byTx.get(p.transaction_id) ?? []
      list.push(p)
      byTx.set(p.transaction_id, list)
    }
    for (const tx of txs) {
      transactions++
      const ps = byTx.get(tx.id) ?? []
      postingsSeen += ps.length
      if (ps.length < 2) problems.push({ kind: 'too_few_postings', subject: tx.id, detail: `${ps.length} postings` })
      const sum = ps.reduce((s, p) => s + Number(p.amount), 0)
      if (sum !== 0) problems.push({ kind: 'unbalanced_transaction', subject: tx.id, detail: `postings sum to ${sum}` })
      const contentHash = contentHashOf({
        kind: tx.kind,
        sourceType: tx.source_type,
        sourceId: tx.source_id,
        memo: tx.memo,
        proposedBy: tx.proposed_by === null ? null : Number(tx.proposed_by),
        approvedBy: tx.approved_by === null ? null : Number(tx.approved_by),
        reversesId: tx.reverses_id ?? null,
        postings: ps.map((p) => ({ account: p.account_key, amount: Number(p.amount) })),
      })
      if (contentHash !== tx.content_hash) {
        problems.push({ kind: 'content_hash_mismatch', subject: tx.id, detail: 'stored content differs from what was posted' })
      }
      const hash = transactionHashOf({
        id: tx.id,
        idempotencyKey: tx.idempotency_key,
        contentHash: tx.content_hash,
        createdAtMs: new Date(tx.created_at).getTime(),
        postings: ps.map((p) => ({ accountId: Number(p.account_id), amount: Number(p.amount), seq: Number(p.account_seq), prevHash: p.prev_hash })),
      })
      if (hash !== tx.hash) problems.push({ kind: 'transaction_hash_mismatch', subject: tx.id, detail: 'row or postings altered' })
    }
  }

  // 2. Reversals point at real transactions.
  const dangling = await db('ledger_transactions as r')
    .leftJoin('ledger_transactions as o', 'o.id', 'r.reverses_id')
    .whereNotNull('r.reverses_id')
    .whereNull('o.id')
    .select('r.id')
  for (const r of dangling) problems.push({ kind: 'dangling_reversal', subject: r.id, detail: 'reverses a transaction that does not exist' })

  // 3. No posting points at a transaction or an account that is not there (the tables have no foreign keys).
  const orphans = await db('ledger_postings as p')
    .leftJoin('ledger_transactions as t', 't.id', 'p.transaction_id')
    .leftJoin('ledger_accounts as a', 'a.id', 'p.account_id')
    .where((w) => w.whereNull('t.id').orWhereNull('a.id'))
    .select('p.transaction_id', 'p.account_id', 't.id as tx', 'a.id as account')
  for (const o of orphans) {
    problems.push({ kind: 'dangling_posting', subject: `${o.transaction_id}/${o.account_id}`, detail: o.tx ? 'its account does not exist' : 'its transaction does not exist' })
  }

  // 4. Slots: chains, heads and balances, a batch of slots at a time.
  let accounts = 0
  let total = 0
  const residentBalances = new Map<string, number>()
  let afterSlot = 0
  for (;;) {
    const slots = await db('ledger_accounts').where('id', '>', afterSlot).orderBy('id').limit(BATCH)
    if (slots.length === 0) break
    afterSlot = Number(slots[slots.length - 1].id)
    const postings = await db('ledger_postings as p')
      .join('ledger_transactions as t', 't.id', 'p.transaction_id')
      .whereIn('p.account_id', slots.map((s) => s.id))
      .orderBy([{ column: 'p.account_id' }, { column: 'p.account_seq' }])
      .select('p.account_id', 'p.amount', 'p.account_seq', 'p.prev_hash', 't.hash')
    const bySlot = new Map<number, typeof postings>()
    for (const p of postings) {
      const list = bySlot.get(Number(p.account_id)) ?? []
      list.push(p)
      bySlot.set(Number(p.account_id), list)
    }
    for (const slot of slots) {
      accounts++
      const subject = `${slot.account_key}#${slot.slot}`
      let head = GENESIS_HASH
      let seq = 0
      let balance = 0
      for (const p of bySlot.get(Number(slot.id)) ?? []) {
        seq++
        if (Number(p.account_seq) !== seq || p.prev_hash !== head) {
          problems.push({ kind: 'chain_broken', subject, detail: `at posting ${p.account_seq}` })
        }
        head = p.hash
        balance += Number(p.amount)
      }
      if (slot.head_hash !== head || Number(slot.head_seq) !== seq) {
        problems.push({ kind: 'slot_head_mismatch', subject, detail: `head ${slot.head_seq} vs ${seq} postings` })
      }
      if (Number(slot.balance) !== balance) {
        problems.push({ kind: 'slot_balance_mismatch', subject, detail: `stored ${slot.balance}, postings sum to ${balance}` })
      }
      total += Number(slot.balance)
      if (slot.kind === 'resident') {
        residentBalances.set(slot.account_key, (residentBalances.get(slot.account_key) ?? 0) + Number(slot.balance))
      }
    }
  }
  for (const [key, balance] of residentBalances) {
    if (balance < 0) problems.push({ kind: 'negative_resident_balance', subject: key, detail: `balance ${balance}` })
  }
  if (total !== 0) problems.push({ kind: 'ledger_not_zero', subject: 'ledger', detail: `all balances sum to ${total}` })

  return { transactions, postings: postingsSeen, accounts, problems }
}
