import { createHash } from 'node:crypto'

export const GENESIS_HASH = '0'.repeat(64)

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** What a caller asked for: the same idempotency key must always come with the same content. */
export interface TransactionContent {
  kind: string
  sourceType: string
  sourceId: string
  memo: string
  proposedBy: number | null
  approvedBy: number | null
  reversesId: string | null
  postings: { account: string; amount: number }[]
}

/**
 * The hashes are SHA-256 over canonical JSON (lib/canonicalJson: keys sorted at every depth). These two shapes are on the hottest write
 * path, so they are written out with their keys already in sorted order and serialised by JSON.stringify,
 * which then gives exactly the canonical form (hash.test.ts holds the two to each other).
 */
export function contentHashOf(content: TransactionContent): string {
  const postings = [...content.postings]
    .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : a.amount - b.amount))
    .map((p) => ({ account: p.account, amount: p.amount }))
  return sha256(JSON.stringify({
    approvedBy: content.approvedBy,
    kind: content.kind,
    memo: content.memo,
    postings,
    proposedBy: content.proposedBy,
    reversesId: content.reversesId,
    sourceId: content.sourceId,
    sourceType: content.sourceType,
  }))
}

/** The row as stored, linked to the previous head of every slot it touches. */
export interface ChainedTransaction {
  id: string
  idempotencyKey: string
  contentHash: string
  createdAtMs: number
  postings: { accountId: number; amount: number; seq: number; prevHash: string }[]
}

export function transactionHashOf(tx: ChainedTransaction): string {
  const postings = [...tx.postings]
    .sort((a, b) => a.accountId - b.accountId)
    .map((p) => ({ accountId: p.accountId, amount: p.amount, prevHash: p.prevHash, seq: p.seq }))
  return sha256(JSON.stringify({
    contentHash: tx.contentHash,
    createdAtMs: tx.createdAtMs,
    id: tx.id,
    idempotencyKey: tx.idempotencyKey,
    postings,
  }))
}
