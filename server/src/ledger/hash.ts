import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto'
import { DEFAULT_LEDGER_CHAIN_KEY } from '../config'

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

/**
 * The key of the chain (LEDGER_CHAIN_KEY). Set once at start-up from the configuration (`main.ts`, `createApp`);
 * whoever can write to the database but does not hold it cannot make an altered row hash right again.
 */
let chainKey: KeyObject = createSecretKey(Buffer.from(DEFAULT_LEDGER_CHAIN_KEY))

export function setLedgerChainKey(key: string): void {
  if (!key) throw new Error('the ledger chain key cannot be empty')
  chainKey = createSecretKey(Buffer.from(key))
}

export function hmacSha256(text: string, key: string | KeyObject = chainKey): string {
  return createHmac('sha256', key).update(text).digest('hex')
}

/**
 * The row as stored, linked to the previous head of every slot it touches. Accounts are named by their stable
 * key and slot (never by row id), so the chain survives a dump and reload; the award source and the posting
 * time are covered, so neither can be changed or cleared without breaking the hash.
 */
export interface ChainedTransaction {
  id: string
  idempotencyKey: string
  contentHash: string
  awardSource: string | null
  createdAtMs: number
  postings: { accountKey: string; slot: number; amount: number; seq: number; prevHash: string }[]
}

function postingOrder(a: { accountKey: string; slot: number }, b: { accountKey: string; slot: number }): number {
  return a.accountKey < b.accountKey ? -1 : a.accountKey > b.accountKey ? 1 : a.slot - b.slot
}

/** HMAC-SHA256 with the chain key over the canonical JSON of the row (keys written in sorted order). */
export function transactionHashOf(tx: ChainedTransaction, key: string | KeyObject = chainKey): string {
  const postings = [...tx.postings]
    .sort(postingOrder)
    .map((p) => ({ accountKey: p.accountKey, amount: p.amount, prevHash: p.prevHash, seq: p.seq, slot: p.slot }))
  return hmacSha256(JSON.stringify({
    awardSource: tx.awardSource,
    contentHash: tx.contentHash,
    createdAtMs: tx.createdAtMs,
    id: tx.id,
    idempotencyKey: tx.idempotencyKey,
    postings,
  }), key)
}
