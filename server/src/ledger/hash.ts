import { createHash } from 'node:crypto'
import { canonicalJson } from '../lib/canonicalJson'

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

export function contentHashOf(content: TransactionContent): string {
  const postings = [...content.postings].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : a.amount - b.amount))
  return sha256(canonicalJson({ ...content, postings }))
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
  const postings = [...tx.postings].sort((a, b) => a.accountId - b.accountId)
  return sha256(canonicalJson({ ...tx, postings }))
}
