import { randomUUID } from 'node:crypto'
import type { Trx } from '../db/knex'
import { isUniqueViolation } from '../db/transaction'
import { errors } from '../errors'
import { accountKeyOf, ensureAccount, pickSlot, type AccountRef } from './accounts'
import { contentHashOf, transactionHashOf, type TransactionContent } from './hash'

export const TRANSACTION_KINDS = ['award', 'redemption', 'refund', 'reversal', 'expiry'] as const
export type TransactionKind = (typeof TRANSACTION_KINDS)[number]
export const SOURCE_TYPES = ['report', 'patrol', 'manual', 'redemption'] as const
export type SourceType = (typeof SOURCE_TYPES)[number]

export interface PostingInput {
  account: AccountRef
  /** Integer points; positive credits the account, negative debits it. */
  amount: number
}

export interface TransactionInput {
  /** Unique per effect: the same key with the same content returns the first result. */
  idempotencyKey: string
  kind: TransactionKind
  source: { type: SourceType; id: string }
  postings: PostingInput[]
  memo?: string
  proposedBy?: number | null
  approvedBy?: number | null
  /** For a reversal: the transaction it corrects. */
  reversesId?: string | null
}

export interface PostedTransaction {
  id: string
  /** True when the key had been used before with the same content: nothing was posted this time. */
  replayed: boolean
}

/** Slot rows never change id, so the mapping from (account, slot) to row id is cached per database. */
const slotIdCache = new WeakMap<object, Map<string, number>>()

function slotIdCacheOf(trx: Trx): Map<string, number> {
  const cacheKey = (trx.client as { config: object }).config
  let cache = slotIdCache.get(cacheKey)
  if (!cache) slotIdCache.set(cacheKey, (cache = new Map()))
  return cache
}

async function slotIdsOf(trx: Trx, chosen: { key: string; slot: number }[], remember: boolean): Promise<number[]> {
  const cache = slotIdCacheOf(trx)
  const found = new Map<string, number>()
  const missing = chosen.filter((c) => !cache.has(`${c.key}#${c.slot}`))
  if (missing.length) {
    const where = missing.map(() => '(account_key = ? AND slot = ?)').join(' OR ')
    const rows = await trx('ledger_accounts').whereRaw(`(${where})`, missing.flatMap((c) => [c.key, c.slot])).select('id', 'account_key', 'slot')
    for (const r of rows) found.set(`${r.account_key}#${r.slot}`, Number(r.id))
    if (remember) for (const [k, id] of found) cache.set(k, id)
  }
  return chosen
    .map((c) => cache.get(`${c.key}#${c.slot}`) ?? found.get(`${c.key}#${c.slot}`))
    .filter((id): id is number => id !== undefined)
}

/** Raised when a slot moved under us; the surrounding withTransaction retries. */
class SlotMoved extends Error {
  code = 'LEDGER_SLOT_MOVED'
}

function validate(input: TransactionInput) {
  if (input.postings.length < 2) throw new Error('a ledger transaction needs at least two postings')
  const keys = new Set<string>()
  let sum = 0
  for (const p of input.postings) {
    if (!Number.isSafeInteger(p.amount) || p.amount === 0) throw new Error(`posting amount must be a non-zero integer, got ${p.amount}`)
    const key = accountKeyOf(p.account)
    if (keys.has(key)) throw new Error(`account ${key} posted twice in one transaction`)
    keys.add(key)
    sum += p.amount
  }
  if (sum !== 0) throw new Error(`postings must sum to zero, got ${sum}`)
}

function contentOf(input: TransactionInput): TransactionContent {
  return {
    kind: input.kind,
    sourceType: input.source.type,
    sourceId: input.source.id,
    memo: input.memo ?? '',
    proposedBy: input.proposedBy ?? null,
    approvedBy: input.approvedBy ?? null,
    reversesId: input.reversesId ?? null,
    postings: input.postings.map((p) => ({ account: accountKeyOf(p.account), amount: p.amount })),
  }
}

/**
 * Posts one balanced transaction inside the caller's database transaction.
 *
 * The transaction row is inserted first: its unique idempotency key (and, for awards, its unique source) is
 * the claim, so a concurrent duplicate waits on it and then finds the first result. The touched slots are
 * then locked in one statement (in index order, so two transactions never lock them in opposite orders);
 * a resident slot refuses to go below zero in a guarded update; each slot's hash chain moves on by one.
 */
export async function postTransaction(trx: Trx, input: TransactionInput): Promise<PostedTransaction> {
  validate(input)
  const content = contentOf(input)
  const contentHash = contentHashOf(content)
  const id = randomUUID()
  const createdAt = new Date()
  const awardSource = input.kind === 'award' ? `${input.source.type}:${input.source.id}` : null

  try {
    await trx('ledger_transactions').insert({
      id,
      idempotency_key: input.idempotencyKey,
      kind: input.kind,
      source_type: input.source.type,
      source_id: input.source.id,
      award_source: awardSource,
      reverses_id: input.reversesId ?? null,
      proposed_by: input.proposedBy ?? null,
      approved_by: input.approvedBy ?? null,
      memo: content.memo,
      content_hash: contentHash,
      created_at: createdAt,
    })
  } catch (err) {
    if (!isUniqueViolation(err)) throw err
    const first = await trx('ledger_transactions').where({ idempotency_key: input.idempotencyKey }).first('id', 'content_hash')
    if (first) {
      if (first.content_hash !== contentHash) throw errors.ledgerKeyConflict()
      return { id: first.id, replayed: true }
    }
    if (awardSource) throw errors.alreadyAwarded()
    if (input.reversesId) throw errors.alreadyReversed()
    throw err
  }

  // Choose a slot per account and lock them all, by primary key in ascending order, so any two
  // transactions lock shared slots in the same order.
  const chosen = input.postings.map((p) => ({ key: accountKeyOf(p.account), slot: pickSlot(p.account), posting: p }))
  const lock = async (remember: boolean) =>
    trx('ledger_accounts')
      .whereIn('id', (await slotIdsOf(trx, chosen, remember)).sort((a, b) => a - b))
      .orderBy('id')
      .forUpdate()
      .select('id', 'account_key', 'kind', 'balance', 'head_seq', 'head_hash')
  let slots = await lock(true)
  if (slots.length < chosen.length) {
    // A new account: create it and look again. Ids this transaction created are not remembered, since it
    // may yet roll back; the cache only ever holds committed rows, and rows are never deleted.
    for (const c of chosen) await ensureAccount(trx, c.posting.account)
    slots = await lock(false)
  }
  const slotByKey = new Map(slots.map((s) => [s.account_key as string, s]))

  const postings = chosen.map((c) => {
    const slot = slotByKey.get(c.key)!
    if (slot.kind === 'resident' && Number(slot.balance) + c.posting.amount < 0) throw errors.insufficientPoints()
    return {
      accountId: Number(slot.id),
      amount: c.posting.amount,
      seq: Number(slot.head_seq) + 1,
      prevHash: slot.head_hash as string,
    }
  })
  const hash = transactionHashOf({ id, idempotencyKey: input.idempotencyKey, contentHash, createdAtMs: createdAt.getTime(), postings })

  for (const p of postings) {
    const updated = await trx('ledger_accounts')
      .where({ id: p.accountId, head_seq: p.seq - 1 })
      .andWhereRaw("(kind <> 'resident' OR balance + ? >= 0)", [p.amount])
      .update({ balance: trx.raw('balance + ?', [p.amount]), head_seq: p.seq, head_hash: hash })
    if (updated !== 1) throw new SlotMoved(`slot ${p.accountId} moved`)
  }
  await trx('ledger_postings').insert(
    postings.map((p) => ({
      transaction_id: id,
      account_id: p.accountId,
      amount: p.amount,
      account_seq: p.seq,
      prev_hash: p.prevHash,
      created_at: createdAt,
    })),
  )
  await trx('ledger_transactions').where({ id }).update({ hash })
  return { id, replayed: false }
}
