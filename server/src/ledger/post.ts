import { randomUUID } from 'node:crypto'
import type { Trx } from '../db/knex'
import { isUniqueViolation } from '../db/transaction'
import { errors } from '../errors'
import { accountKeyOf, ensureAccount, pickSlot, type AccountRef } from './accounts'
import { contentHashOf, transactionHashOf, type TransactionContent } from './hash'
import { ledgerSql } from './sql'

export const TRANSACTION_KINDS = ['award', 'redemption', 'refund', 'reversal', 'expiry'] as const
export type TransactionKind = (typeof TRANSACTION_KINDS)[number]
export const SOURCE_TYPES = ['report', 'patrol', 'manual', 'redemption', 'expiry'] as const
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
  /** When it is posted: the caller's clock (the request's or the job's time), never read inside the ledger. */
  at: Date
}

export interface PostedTransaction {
  id: string
  /** True when the key had been used before with the same content: nothing was posted this time. */
  replayed: boolean
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
 * Posts one balanced transaction inside the caller's database transaction, in four statements:
 *
 * 1. lock the touched slots (one SELECT … FOR UPDATE by primary key once their row ids are known, by their
 *    unique key before; MySQL walks either index in key order, so two transactions never take shared slots in
 *    opposite orders);
 * 2. insert the transaction row, whose unique idempotency key (and, for awards, unique source) turns a
 *    duplicate into a replay of the first result before anything has changed;
 * 3. insert the postings, each linked to its slot's previous chain head;
 * 4. move every slot's balance and chain head in one UPDATE (and a resident's lifetime earnings, for awards and
 *    their reversals, with the marks that let the expiry preview read them from a cutoff: see `earnedSince`).
 *
 * A resident's balance is read under its lock, so the check that it stays at or above zero cannot race; it is
 * made before the transaction row is written, so a refused posting leaves nothing behind.
 */
export async function postTransaction(trx: Trx, input: TransactionInput): Promise<PostedTransaction> {
  validate(input)
  const content = contentOf(input)
  const contentHash = contentHashOf(content)
  const id = randomUUID()
  const createdAt = input.at
  const awardSource = input.kind === 'award' ? `${input.source.type}:${input.source.id}` : null
  const chosen = input.postings.map((p) => ({ key: accountKeyOf(p.account), slot: pickSlot(p.account), posting: p }))

  const sql = await ledgerSql(trx)
  const forUpdate = sql.dialect === 'mysql' ? ' FOR UPDATE' : ''
  const columns = 'SELECT id, account_key, slot, kind, balance, earned, head_seq, head_hash, head_at, irregular_until FROM ledger_accounts WHERE'
  const byKey = () =>
    sql.all<SlotRow>(
      `${columns} ${chosen.map(() => '(account_key = ? AND slot = ?)').join(' OR ')}${forUpdate}`,
      chosen.flatMap((c) => [c.key, c.slot]),
    )
  // A slot's row id never changes once created, so after first use the lock is a primary-key lookup.
  const known = chosen.map((c) => sql.slotIds.get(`${c.key}#${c.slot}`))
  let slots: SlotRow[] = []
  if (known.every((x) => x !== undefined)) {
    slots = await sql.all<SlotRow>(`${columns} id IN (${known.map(() => '?').join(', ')})${forUpdate}`, known)
    if (!chosen.every((c) => slots.some((s) => s.account_key === c.key && Number(s.slot) === c.slot))) slots = await byKey()
  } else {
    slots = await byKey()
  }
  if (slots.length < chosen.length) {
    // First use of an account: create only what is missing (an INSERT IGNORE on an existing row would take a
    // shared lock on it and wait behind whoever holds it), then lock again.
    const present = new Set(slots.map((s) => s.account_key as string))
    for (const c of chosen) if (!present.has(c.key)) await ensureAccount(trx, c.posting.account, createdAt)
    slots = await byKey()
  }
  for (const s of slots) sql.slotIds.set(`${s.account_key}#${s.slot}`, Number(s.id))
  const slotByKey = new Map(slots.map((s) => [s.account_key as string, s]))
  const earns = input.kind === 'award' || input.kind === 'reversal'
  const postings = chosen.map((c) => {
    const slot = slotByKey.get(c.key)!
    const resident = slot.kind === 'resident'
    return {
      accountId: Number(slot.id),
      accountKey: c.key,
      slot: Number(slot.slot),
      resident,
      balance: Number(slot.balance),
      amount: c.posting.amount,
      earned: resident && earns ? c.posting.amount : 0,
      priorEarned: Number(slot.earned),
      seq: Number(slot.head_seq) + 1,
      prevHash: slot.head_hash as string,
      ...(resident ? timeMarks(slot, createdAt, input.kind) : { headAt: slot.head_at, irregularUntil: slot.irregular_until }),
    }
  })
  const hash = transactionHashOf({
    id,
    idempotencyKey: input.idempotencyKey,
    contentHash,
    awardSource,
    createdAtMs: createdAt.getTime(),
    postings,
  })

  // Checked before anything is written: a caller that catches the refusal (without a savepoint) commits nothing
  // of it. A retry of a spend that already happened is still a replay, whatever the balance is now.
  if (postings.some((p) => p.resident && p.balance + p.amount < 0)) {
    const first = await trx('ledger_transactions').where({ idempotency_key: input.idempotencyKey }).first('id', 'content_hash')
    if (!first) throw errors.insufficientPoints()
    if (first.content_hash !== contentHash) throw errors.ledgerKeyConflict()
    return { id: first.id, replayed: true }
  }

  try {
    await sql.run(INSERT_TRANSACTION, [
      id, input.idempotencyKey, input.kind, input.source.type, input.source.id, awardSource, input.reversesId ?? null,
      input.proposedBy ?? null, input.approvedBy ?? null, content.memo, contentHash, hash, createdAt,
    ])
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
  await sql.run(
    `INSERT INTO ledger_postings (transaction_id, account_id, amount, account_seq, prev_hash, prior_earned, created_at) VALUES ${postings.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    postings.flatMap((p) => [id, p.accountId, p.amount, p.seq, p.prevHash, p.priorEarned, createdAt]),
  )
  const cases = postings.map(() => 'WHEN ? THEN ?').join(' ')
  const updated = await sql.run(
    `UPDATE ledger_accounts SET balance = balance + CASE id ${cases} END, earned = earned + CASE id ${cases} END, head_seq = head_seq + 1, head_hash = ?, ` +
      `head_at = CASE id ${cases} END, irregular_until = CASE id ${cases} END WHERE id IN (${postings.map(() => '?').join(', ')})`,
    [
      ...postings.flatMap((p) => [p.accountId, p.amount]),
      ...postings.flatMap((p) => [p.accountId, p.earned]),
      hash,
      ...postings.flatMap((p) => [p.accountId, p.headAt]),
      ...postings.flatMap((p) => [p.accountId, p.irregularUntil]),
      ...postings.map((p) => p.accountId),
    ],
  )
  if (updated !== postings.length) throw new SlotMoved('a slot moved under its lock')
  return { id, replayed: false }
}

const INSERT_TRANSACTION =
  'INSERT INTO ledger_transactions (id, idempotency_key, kind, source_type, source_id, award_source, reverses_id, ' +
  'proposed_by, approved_by, memo, content_hash, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'

/** A time as either driver returns it (MySQL a Date, SQLite milliseconds), or none. */
type StoredTime = Date | number | null

interface SlotRow {
  id: number
  account_key: string
  slot: number
  kind: string
  balance: number | string
  earned: number | string
  head_seq: number
  head_hash: string
  head_at: StoredTime
  irregular_until: StoredTime
}

const later = (a: StoredTime, b: StoredTime): StoredTime => (a === null ? b : b === null ? a : new Date(a).getTime() >= new Date(b).getTime() ? a : b)

/**
 * A resident slot's time marks after a posting at `at`: the latest time in its chain, and the latest time up to
 * which its chain is out of time order (a posting dated before one already there) or holds a reversal.
 */
function timeMarks(slot: SlotRow, at: Date, kind: TransactionKind): { headAt: StoredTime; irregularUntil: StoredTime } {
  const before = slot.head_at === null ? null : new Date(slot.head_at).getTime()
  let irregularUntil = slot.irregular_until
  if (before !== null && at.getTime() < before) irregularUntil = later(irregularUntil, slot.head_at)
  else if (kind === 'reversal') irregularUntil = later(irregularUntil, at)
  return { headAt: later(slot.head_at, at), irregularUntil }
}

