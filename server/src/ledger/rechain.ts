import { createSecretKey, type KeyObject } from 'node:crypto'
import type { Queryable } from '../db/knex'
import { GENESIS_HASH, transactionHashOf } from './hash'

interface PostingRow {
  transaction_id: string
  account_id: number
  account_key: string
  slot: number
  amount: number | string
  account_seq: number
}

/** Rows changed per UPDATE statement while writing the new hashes back. */
const WRITE_BATCH = 500

/**
 * Writes `values` (row key → new value) into `column` of `table`, WRITE_BATCH rows per statement: one UPDATE
 * with a CASE over the keys, rather than a statement per row.
 */
async function writeColumn(db: Queryable, table: string, keyColumns: string[], column: string, values: { key: (string | number)[]; value: string }[]) {
  for (let i = 0; i < values.length; i += WRITE_BATCH) {
    const batch = values.slice(i, i + WRITE_BATCH)
    const match = keyColumns.map((c) => `${c} = ?`).join(' AND ')
    const cases = batch.map(() => `WHEN ${match} THEN ?`).join(' ')
    const where = batch.map(() => `(${match})`).join(' OR ')
    await db.raw(`UPDATE ${table} SET ${column} = CASE ${cases} ELSE ${column} END WHERE ${where}`, [
      ...batch.flatMap((v) => [...v.key, v.value]),
      ...batch.flatMap((v) => v.key),
    ])
  }
}

/**
 * Hashes every stored transaction again with the chain key (the configured one, or `key`) and relinks every
 * slot's chain: each posting's previous head, each transaction's hash and each slot's head. A transaction is
 * hashed once every slot it touches has reached it, which is the order it was posted in; amounts, sequences and
 * times are kept as they are. Run where no posting happens at the same time (the migration step before serving,
 * or `ledger:rekey` with the service stopped), inside one transaction so a failure leaves the old chain whole.
 * Answers the number of transactions rehashed.
 */
export async function rechainLedger(db: Queryable, key?: string): Promise<number> {
  const keyObject: KeyObject | undefined = key === undefined ? undefined : createSecretKey(Buffer.from(key))
  const txs = await db('ledger_transactions').select('id', 'idempotency_key', 'content_hash', 'award_source', 'created_at')
  if (txs.length === 0) return 0
  const postings: PostingRow[] = await db('ledger_postings as p')
    .join('ledger_accounts as a', 'a.id', 'p.account_id')
    .orderBy([{ column: 'p.account_id' }, { column: 'p.account_seq' }])
    .select('p.transaction_id', 'p.account_id', 'a.account_key', 'a.slot', 'p.amount', 'p.account_seq')

  const byTx = new Map<string, PostingRow[]>()
  const bySlot = new Map<number, PostingRow[]>()
  for (const p of postings) {
    const ofTx = byTx.get(p.transaction_id)
    if (ofTx) ofTx.push(p)
    else byTx.set(p.transaction_id, [p])
    const chain = bySlot.get(Number(p.account_id))
    if (chain) chain.push(p)
    else bySlot.set(Number(p.account_id), [p])
  }
  const next = new Map<number, number>([...bySlot.keys()].map((id) => [id, 0]))
  const heads = new Map<number, string>([...bySlot.keys()].map((id) => [id, GENESIS_HASH]))
  const txById = new Map(txs.map((t) => [t.id as string, t]))
  const ready = (txId: string) => (byTx.get(txId) ?? []).every((p) => bySlot.get(Number(p.account_id))![next.get(Number(p.account_id))!] === p)

  const txHashes: { key: (string | number)[]; value: string }[] = []
  const prevHashes: { key: (string | number)[]; value: string }[] = []
  const queue = [...new Set([...bySlot.values()].map((chain) => chain[0]!.transaction_id))].filter(ready)
  const done = new Set<string>()
  while (queue.length) {
    const txId = queue.pop()!
    if (done.has(txId)) continue
    done.add(txId)
    const tx = txById.get(txId)
    const ps = byTx.get(txId)!
    const linked = ps.map((p) => ({
      accountId: Number(p.account_id),
      accountKey: p.account_key,
      slot: Number(p.slot),
      amount: Number(p.amount),
      seq: Number(p.account_seq),
      prevHash: heads.get(Number(p.account_id))!,
    }))
    // A posting without its transaction cannot be hashed; the chains through it stop here and verify reports them.
    if (!tx) continue
    const hash = transactionHashOf({
      id: tx.id,
      idempotencyKey: tx.idempotency_key,
      contentHash: tx.content_hash,
      awardSource: tx.award_source ?? null,
      createdAtMs: new Date(tx.created_at).getTime(),
      postings: linked,
    }, keyObject)
    txHashes.push({ key: [txId], value: hash })
    for (const p of linked) {
      prevHashes.push({ key: [txId, p.accountId], value: p.prevHash })
      heads.set(p.accountId, hash)
      next.set(p.accountId, next.get(p.accountId)! + 1)
      const following = bySlot.get(p.accountId)![next.get(p.accountId)!]
      if (following && ready(following.transaction_id)) queue.push(following.transaction_id)
    }
  }
  await writeColumn(db, 'ledger_transactions', ['id'], 'hash', txHashes)
  await writeColumn(db, 'ledger_postings', ['transaction_id', 'account_id'], 'prev_hash', prevHashes)
  await writeColumn(db, 'ledger_accounts', ['id'], 'head_hash', [...heads].map(([accountId, head]) => ({ key: [accountId], value: head })))
  return done.size
}
