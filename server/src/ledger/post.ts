import { randomUUID } from 'node:crypto'
import type { Trx } from '../db/knex'
import { isUniqueViolation } from '../db/transaction'
import { errors } from '../errors'
import { accountKeyOf, ensureAccount, pickSlot, SLOTS, type AccountRef } from './accounts'
import { contentHashOf, transactionHashOf, type TransactionContent } from './hash'
import { ledgerSql, type LedgerSql, type SlotRow, type StoredTime } from './sql'

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
 * Posts one balanced transaction inside the caller's database transaction:
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
 * On MySQL a transfer between two slots (every posting the product makes) is one call of `ledger_post_pair`,
 * which does all four. When this process has seen both slots before, the rows and the hash are computed from
 * what it saw, without the locking read: the procedure moves the slots only where they still hold exactly that,
 * and otherwise (someone posted since) signals `LEDGER_STALE` having changed nothing, and the posting starts
 * again from step 1.
 *
 * A resident's balance is checked against their locked row before anything is written, so the check that it
 * stays at or above zero cannot race and a refused posting leaves nothing behind (a caller that catches the
 * refusal without a savepoint commits nothing of it).
 */
export async function postTransaction(trx: Trx, input: TransactionInput): Promise<PostedTransaction> {
  validate(input)
  const content = contentOf(input)
  const draft: Draft = {
    input,
    content,
    contentHash: contentHashOf(content),
    id: randomUUID(),
    awardSource: input.kind === 'award' ? `${input.source.type}:${input.source.id}` : null,
  }
  const sql = await ledgerSql(trx)
  const cacheKey = (c: { key: string; slot: number }) => `${c.key}#${c.slot}`
  const chosen = input.postings.map((p) => {
    const key = accountKeyOf(p.account)
    return { key, slot: pickSlot(p.account, (slot) => sql.busy.has(cacheKey({ key, slot }))), posting: p }
  })
  for (const c of chosen) if (SLOTS[c.posting.account.kind] > 1) holdUntilEnd(sql, trx, cacheKey(c))

  if (sql.pairProcedure && chosen.length === 2) {
    const seen = chosen.map((c) => sql.slots.get(cacheKey(c)))
    if (seen.every((row): row is SlotRow => row !== undefined)) {
      const plan = planOf(draft, chosen, seen)
      // A refusal is only ever given on rows read under lock.
      if (!plan.short) {
        const posted = await writePair(sql, trx, draft, plan, { stale: 'retry' })
        if (posted) return posted
      }
    }
  }

  const slots = await lockSlots(sql, trx, chosen, input.at)
  for (const row of slots) sql.slots.set(cacheKey({ key: row.account_key, slot: Number(row.slot) }), row)
  const plan = planOf(draft, chosen, chosen.map((c) => slots.find((s) => s.account_key === c.key)!))
  if (plan.short) {
    // A retry of a spend that already happened is still a replay, whatever the balance is now.
    const first = await trx('ledger_transactions').where({ idempotency_key: input.idempotencyKey }).first('id', 'content_hash')
    if (!first) throw errors.insufficientPoints()
    if (first.content_hash !== draft.contentHash) throw errors.ledgerKeyConflict()
    return { id: first.id, replayed: true }
  }
  if (sql.pairProcedure && chosen.length === 2) {
    const posted = await writePair(sql, trx, draft, plan, { stale: 'throw' })
    if (posted) return posted
  }
  return writeStatements(sql, trx, draft, plan)
}

/** Counts `slot` busy until `trx` ends (its lock on the slot is held until then). */
function holdUntilEnd(sql: LedgerSql, trx: Trx, slot: string): void {
  sql.busy.set(slot, (sql.busy.get(slot) ?? 0) + 1)
  const release = () => {
    const left = (sql.busy.get(slot) ?? 1) - 1
    if (left > 0) sql.busy.set(slot, left)
    else sql.busy.delete(slot)
  }
  trx.executionPromise.then(release, release)
}

/** What is posted, before the slots are known. */
interface Draft {
  input: TransactionInput
  content: TransactionContent
  contentHash: string
  id: string
  awardSource: string | null
}

interface PlannedPosting {
  accountId: number
  accountKey: string
  slot: number
  resident: boolean
  /** The slot as it was read (or remembered): what the posting follows. */
  was: SlotRow
  amount: number
  earned: number
  priorEarned: number
  seq: number
  prevHash: string
  headAt: StoredTime
  irregularUntil: StoredTime
}

interface Plan {
  postings: PlannedPosting[]
  hash: string
  /** A resident would go below zero. */
  short: boolean
}

/** The postings and the chain hash of `draft` following `slots` (in the order of `chosen`). */
function planOf(draft: Draft, chosen: { key: string; posting: PostingInput }[], slots: SlotRow[]): Plan {
  const { input } = draft
  const earns = input.kind === 'award' || input.kind === 'reversal'
  const postings = chosen.map((c, i): PlannedPosting => {
    const slot = slots[i]!
    const resident = slot.kind === 'resident'
    return {
      accountId: Number(slot.id),
      accountKey: c.key,
      slot: Number(slot.slot),
      resident,
      was: slot,
      amount: c.posting.amount,
      earned: resident && earns ? c.posting.amount : 0,
      priorEarned: Number(slot.earned),
      seq: Number(slot.head_seq) + 1,
      prevHash: slot.head_hash,
      ...(resident ? timeMarks(slot, input.at, input.kind) : { headAt: slot.head_at, irregularUntil: slot.irregular_until }),
    }
  })
  const hash = transactionHashOf({
    id: draft.id,
    idempotencyKey: input.idempotencyKey,
    contentHash: draft.contentHash,
    awardSource: draft.awardSource,
    createdAtMs: input.at.getTime(),
    postings,
  })
  return { postings, hash, short: postings.some((p) => p.resident && Number(p.was.balance) + p.amount < 0) }
}

/** Locks the slots `chosen` touches, creating accounts on first use; answers their rows. */
async function lockSlots(sql: LedgerSql, trx: Trx, chosen: { key: string; slot: number; posting: PostingInput }[], at: Date): Promise<SlotRow[]> {
  const forUpdate = sql.dialect === 'mysql' ? ' FOR UPDATE' : ''
  const columns = 'SELECT id, account_key, slot, kind, balance, earned, head_seq, head_hash, head_at, irregular_until FROM ledger_accounts WHERE'
  const byKey = () =>
    sql.all<SlotRow>(
      `${columns} ${chosen.map(() => '(account_key = ? AND slot = ?)').join(' OR ')}${forUpdate}`,
      chosen.flatMap((c) => [c.key, c.slot]),
    )
  const holdsChosen = (rows: SlotRow[]) => chosen.every((c) => rows.some((s) => s.account_key === c.key && Number(s.slot) === c.slot))
  // A slot's row id never changes once created, so after first use the lock is a primary-key lookup.
  const known = chosen.map((c) => sql.slots.get(`${c.key}#${c.slot}`)?.id)
  let slots: SlotRow[] = []
  if (known.every((x) => x !== undefined)) {
    slots = await sql.all<SlotRow>(`${columns} id IN (${known.map(() => '?').join(', ')})${forUpdate}`, known)
    if (!holdsChosen(slots)) slots = await byKey()
  } else {
    slots = await byKey()
  }
  if (slots.length < chosen.length) {
    // First use of an account: create only what is missing (an INSERT IGNORE on an existing row would take a
    // shared lock on it and wait behind whoever holds it), then lock again.
    const present = new Set(slots.map((s) => s.account_key))
    for (const c of chosen) if (!present.has(c.key)) await ensureAccount(trx, c.posting.account, at)
    slots = await byKey()
  }
  return slots
}

/** Remembers each slot as the posting left it, for the next posting on this database. */
function remember(sql: LedgerSql, plan: Plan): void {
  for (const p of plan.postings) {
    sql.slots.set(`${p.accountKey}#${p.slot}`, {
      id: p.accountId,
      account_key: p.accountKey,
      slot: p.slot,
      kind: p.was.kind,
      balance: Number(p.was.balance) + p.amount,
      earned: p.priorEarned + p.earned,
      head_seq: p.seq,
      head_hash: plan.hash,
      head_at: p.headAt,
      irregular_until: p.irregularUntil,
    })
  }
}

/**
 * Writes the transaction with `ledger_post_pair` (MySQL, two postings). Answers undefined when the procedure is
 * missing (it is then not called again on this database) and, with `stale: 'retry'`, when the slots no longer
 * hold what the plan followed: nothing has been written then. After a locking read they cannot have moved, and
 * `stale: 'throw'` treats it as a slot that moved under its lock.
 */
async function writePair(sql: LedgerSql, trx: Trx, draft: Draft, plan: Plan, { stale }: { stale: 'retry' | 'throw' }): Promise<PostedTransaction | undefined> {
  const { input, content } = draft
  try {
    await sql.run(CALL_POST_PAIR, [
      draft.id, input.idempotencyKey, input.kind, input.source.type, input.source.id, draft.awardSource, input.reversesId ?? null,
      input.proposedBy ?? null, input.approvedBy ?? null, content.memo, draft.contentHash, plan.hash, input.at,
      ...plan.postings.flatMap((p) => [
        p.accountId, p.accountKey, p.slot, p.amount, p.seq, p.prevHash, Number(p.was.balance), p.priorEarned, p.was.head_at, p.was.irregular_until,
        p.earned, p.headAt, p.irregularUntil,
      ]),
    ])
  } catch (err) {
    const e = err as { errno?: number; sqlMessage?: string }
    if (e.errno === ER_SP_DOES_NOT_EXIST) {
      sql.noPairProcedure()
      return undefined
    }
    if (e.errno === ER_SIGNAL_EXCEPTION && e.sqlMessage === 'LEDGER_STALE') {
      if (stale === 'retry') return undefined
      throw new SlotMoved('a slot moved under its lock')
    }
    return onDuplicate(trx, draft, err)
  }
  remember(sql, plan)
  return { id: draft.id, replayed: false }
}

/** Writes the transaction, its postings and the slots' new heads in three statements. */
async function writeStatements(sql: LedgerSql, trx: Trx, draft: Draft, plan: Plan): Promise<PostedTransaction> {
  const { input, content } = draft
  const { postings } = plan
  try {
    await sql.run(INSERT_TRANSACTION, [
      draft.id, input.idempotencyKey, input.kind, input.source.type, input.source.id, draft.awardSource, input.reversesId ?? null,
      input.proposedBy ?? null, input.approvedBy ?? null, content.memo, draft.contentHash, plan.hash, input.at,
    ])
  } catch (err) {
    return onDuplicate(trx, draft, err)
  }
  await sql.run(
    `INSERT INTO ledger_postings (transaction_id, account_id, amount, account_seq, prev_hash, prior_earned, created_at) VALUES ${postings.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    postings.flatMap((p) => [draft.id, p.accountId, p.amount, p.seq, p.prevHash, p.priorEarned, input.at]),
  )
  const cases = postings.map(() => 'WHEN ? THEN ?').join(' ')
  const updated = await sql.run(
    `UPDATE ledger_accounts SET balance = balance + CASE id ${cases} END, earned = earned + CASE id ${cases} END, head_seq = head_seq + 1, head_hash = ?, ` +
      `head_at = CASE id ${cases} END, irregular_until = CASE id ${cases} END WHERE id IN (${postings.map(() => '?').join(', ')})`,
    [
      ...postings.flatMap((p) => [p.accountId, p.amount]),
      ...postings.flatMap((p) => [p.accountId, p.earned]),
      plan.hash,
      ...postings.flatMap((p) => [p.accountId, p.headAt]),
      ...postings.flatMap((p) => [p.accountId, p.irregularUntil]),
      ...postings.map((p) => p.accountId),
    ],
  )
  if (updated !== postings.length) throw new SlotMoved('a slot moved under its lock')
  remember(sql, plan)
  return { id: draft.id, replayed: false }
}

/**
 * The transaction row was refused on a unique key: a replay of the first result when the idempotency key was used
 * before with the same content, otherwise the refusal that names the duplicate. Nothing has been written.
 */
async function onDuplicate(trx: Trx, draft: Draft, err: unknown): Promise<PostedTransaction> {
  if (!isUniqueViolation(err)) throw err
  const first = await trx('ledger_transactions').where({ idempotency_key: draft.input.idempotencyKey }).first('id', 'content_hash')
  if (first) {
    if (first.content_hash !== draft.contentHash) throw errors.ledgerKeyConflict()
    return { id: first.id, replayed: true }
  }
  if (draft.awardSource) throw errors.alreadyAwarded()
  if (draft.input.reversesId) throw errors.alreadyReversed()
  throw err
}

const ER_SP_DOES_NOT_EXIST = 1305
/** What SIGNAL SQLSTATE '45000' raises. */
const ER_SIGNAL_EXCEPTION = 1644

const INSERT_TRANSACTION =
  'INSERT INTO ledger_transactions (id, idempotency_key, kind, source_type, source_id, award_source, reverses_id, ' +
  'proposed_by, approved_by, memo, content_hash, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'

const CALL_POST_PAIR = `CALL ledger_post_pair(${Array.from({ length: 13 + 2 * 13 }, () => '?').join(', ')})`

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

