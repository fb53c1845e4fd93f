import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../lib/canonicalJson'
import { contentHashOf, hmacSha256, sha256, transactionHashOf, type ChainedTransaction, type TransactionContent } from './hash'

/** The same hashes through the general canonical form: what the ledger's hand-ordered versions must always equal. */
const canonicalHashes = {
  content: (content: TransactionContent) => {
    const postings = [...content.postings].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : a.amount - b.amount))
    return sha256(canonicalJson({ ...content, postings }))
  },
  transaction: (tx: ChainedTransaction) =>
    hmacSha256(canonicalJson({
      ...tx,
      postings: [...tx.postings].sort((a, b) => (a.accountKey < b.accountKey ? -1 : a.accountKey > b.accountKey ? 1 : a.slot - b.slot)),
    })),
}

const int = (n: number) => Math.floor(Math.random() * n)
const pick = <T>(xs: T[]) => xs[int(xs.length)]!

function randomContent(): TransactionContent {
  const accounts = ['resident:1', 'resident:22', 'issuer:3', 'redemption:3', 'expiry:9']
  return {
    kind: pick(['award', 'redemption', 'refund', 'reversal']),
    sourceType: pick(['report', 'patrol', 'manual', 'redemption']),
    sourceId: pick([randomUUID(), String(int(1000)), '案件-12']),
    memo: pick(['', '好人好事 "扶老人过马路"', 'line\nbreak \\ slash', '😀 emoji']),
    proposedBy: pick([null, int(100)]),
    approvedBy: pick([null, int(100)]),
    reversesId: pick([null, randomUUID()]),
    postings: [{ account: pick(accounts), amount: -5 }, { account: pick(accounts), amount: 5 }, { account: pick(accounts), amount: int(9) - 4 }],
  }
}

function randomChained(): ChainedTransaction {
  return {
    id: randomUUID(),
    idempotencyKey: pick([randomUUID(), 'award:report:7', '键-1']),
    contentHash: randomUUID().replace(/-/g, ''),
    awardSource: pick([null, `report:${int(1000)}`]),
    createdAtMs: Date.now() - int(1e9),
    postings: [
      { accountKey: `resident:${int(100)}`, slot: 0 },
      { accountKey: 'issuer:3', slot: int(16) },
      { accountKey: 'issuer:3', slot: 16 + int(16) },
    ].map((p) => ({ ...p, amount: int(20) - 10, seq: int(1000), prevHash: randomUUID() })),
  }
}

describe('ledger hashes', () => {
  it('equal the hash of the canonical JSON form for any content', () => {
    for (let i = 0; i < 300; i++) {
      const content = randomContent()
      expect(contentHashOf(content)).toBe(canonicalHashes.content(content))
      const chained = randomChained()
      expect(transactionHashOf(chained)).toBe(canonicalHashes.transaction(chained))
    }
  })

  it('do not depend on the order postings are listed in, and change with any field', () => {
    const content = randomContent()
    expect(contentHashOf({ ...content, postings: [...content.postings].reverse() })).toBe(contentHashOf(content))
    expect(contentHashOf({ ...content, memo: `${content.memo}.` })).not.toBe(contentHashOf(content))
    const chained = randomChained()
    expect(transactionHashOf({ ...chained, postings: [...chained.postings].reverse() })).toBe(transactionHashOf(chained))
    expect(transactionHashOf({ ...chained, createdAtMs: chained.createdAtMs + 1 })).not.toBe(transactionHashOf(chained))
    expect(transactionHashOf({ ...chained, awardSource: chained.awardSource ? null : 'report:1' })).not.toBe(transactionHashOf(chained))
    expect(transactionHashOf({ ...chained, postings: chained.postings.map((p, i) => (i ? p : { ...p, slot: p.slot + 1 })) })).not.toBe(transactionHashOf(chained))
  })

  it('are keyed: the same row hashes differently under another key, and not as the plain SHA-256 of its form', () => {
    const chained = randomChained()
    expect(transactionHashOf(chained, 'another key')).not.toBe(transactionHashOf(chained))
    expect(transactionHashOf(chained)).not.toBe(sha256(canonicalJson({ ...chained, postings: chained.postings })))
  })
})
