import { createSecretKey } from 'node:crypto'
import type { Queryable } from '../db/knex'
import { appendCheckpoint, readCheckpoints, slotName, takeCheckpoint, type Checkpoint, type CheckpointSlot } from './checkpoint'
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
    | 'award_source_mismatch'
    | 'posting_time_mismatch'
    | 'checkpoint_mismatch'
    | 'checkpoint_invalid'
    | 'earned_mismatch'
    | 'time_mark_mismatch'
  subject: string
  detail: string
}

export interface VerifyReport {
  transactions: number
  postings: number
  accounts: number
  /** When verification started from a checkpoint: its time (only rows after it were replayed). */
  fromCheckpoint: string | null
  problems: LedgerProblem[]
}

const BATCH = 1000

export interface VerifyOptions {
  /**
   * Start from this checkpoint: each slot's chain is replayed only after the checkpointed sequence (whose
   * posting must still carry the checkpointed hash; a slot still at that head is only compared with it), and
   * only the transactions with such postings are rehashed. Without one, everything is replayed, and postings and reversals are checked for dangling
   * references as well.
   */
  checkpoint?: Checkpoint | null
  /** The chain key to check the hashes with; the configured one (LEDGER_CHAIN_KEY) when not given. */
  key?: string
}

interface TransactionRow {
  id: string
  idempotency_key: string
  kind: string
  source_type: string
  source_id: string
  award_source: string | null
  reverses_id: string | null
  proposed_by: number | null
  approved_by: number | null
  memo: string
  content_hash: string
  hash: string
  created_at: Date | number | string
}

const timeOf = (value: Date | number | string) => new Date(value).getTime()

/** Slots per statement when each has its own starting sequence (SQLite limits an expression's depth to 1,000). */
const RANGE_BATCH = 100

interface SlotPosting {
  transaction_id: string | null
  account_id: number
  amount: number | string
  account_seq: number
  prev_hash: string
  created_at: Date | number | string
  prior_earned: number | string
  hash: string | null
  kind: string | null
  tx_created_at: Date | number | string | null
}

/**
 * The postings of a batch of slots, in chain order, with their transaction's hash and time. From a checkpoint:
 * for each slot that moved since, from the checkpointed sequence on (that posting anchors the chain); a slot
 * still at its checkpointed head needs none.
 */
async function postingsOf(db: Queryable, slots: { id: number; account_key: string; slot: number; head_seq: number }[], checkpointed: Map<string, CheckpointSlot> | null): Promise<SlotPosting[]> {
  const query = () =>
    db('ledger_postings as p')
      .leftJoin('ledger_transactions as t', 't.id', 'p.transaction_id')
      .orderBy([{ column: 'p.account_id' }, { column: 'p.account_seq' }])
      .select('p.transaction_id', 'p.account_id', 'p.amount', 'p.account_seq', 'p.prev_hash', 'p.created_at', 'p.prior_earned', 't.hash', 't.kind', 't.created_at as tx_created_at')
  if (!checkpointed) return query().whereIn('p.account_id', slots.map((s) => s.id))
  const ranges = slots
    .map((s) => ({ id: s.id, head: Number(s.head_seq), from: checkpointed.get(slotName({ accountKey: s.account_key, slot: Number(s.slot) }))?.seq ?? 0 }))
    .filter((r) => r.head !== r.from)
  const out: SlotPosting[] = []
  for (let i = 0; i < ranges.length; i += RANGE_BATCH) {
    const chunk = ranges.slice(i, i + RANGE_BATCH)
    out.push(...(await query().where((w) => {
      for (const r of chunk) w.orWhere((b) => b.where('p.account_id', r.id).andWhere('p.account_seq', '>=', Math.max(1, r.from)))
    })))
  }
  return out
}

/**
 * Replays the ledger from its rows and checks every invariant: each transaction balances and hashes (keyed,
 * over its content, award source, time and chain links) to what is stored, each slot's chain links posting to
 * posting and ends at the slot's head, every slot's balance is the sum of its postings, no resident is below
 * zero, and all balances sum to zero. From a checkpoint, only what was posted after it is replayed.
 */
export async function verifyLedger(db: Queryable, options: VerifyOptions = {}): Promise<VerifyReport> {
  const checkpoint = options.checkpoint ?? null
  const key = options.key === undefined ? undefined : createSecretKey(Buffer.from(options.key))
  const problems: LedgerProblem[] = []
  let transactions = 0
  let postingsSeen = 0

  const checkTransactions = async (txs: TransactionRow[]) => {
    const postings = await db('ledger_postings as p')
      .join('ledger_accounts as a', 'a.id', 'p.account_id')
      .whereIn('p.transaction_id', txs.map((t) => t.id))
      .select('p.transaction_id', 'p.amount', 'p.account_seq', 'p.prev_hash', 'a.account_key', 'a.slot')
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
      const expectedSource = tx.kind === 'award' ? `${tx.source_type}:${tx.source_id}` : null
      if ((tx.award_source ?? null) !== expectedSource) {
        problems.push({ kind: 'award_source_mismatch', subject: tx.id, detail: `award source ${tx.award_source ?? 'empty'}, expected ${expectedSource ?? 'empty'}` })
      }
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
        awardSource: tx.award_source ?? null,
        createdAtMs: timeOf(tx.created_at),
        postings: ps.map((p) => ({ accountKey: p.account_key, slot: Number(p.slot), amount: Number(p.amount), seq: Number(p.account_seq), prevHash: p.prev_hash })),
      }, key)
      if (hash !== tx.hash) problems.push({ kind: 'transaction_hash_mismatch', subject: tx.id, detail: 'row or postings altered, or hashed without the chain key' })
    }
  }

  // 1. Slots: chains, heads and balances, a batch of slots at a time; from a checkpoint, only the postings after it.
  const checkpointed = new Map<string, CheckpointSlot>((checkpoint?.slots ?? []).map((s) => [slotName(s), s]))
  const touched = new Set<string>()
  let accounts = 0
  let total = 0
  const residentBalances = new Map<string, number>()
  let afterSlot = 0
  for (;;) {
    const slots = await db('ledger_accounts').where('id', '>', afterSlot).orderBy('id').limit(BATCH)
    if (slots.length === 0) break
    afterSlot = Number(slots[slots.length - 1].id)
    const postings = await postingsOf(db, slots, checkpoint ? checkpointed : null)
    const bySlot = new Map<number, typeof postings>()
    for (const p of postings) {
      const list = bySlot.get(Number(p.account_id)) ?? []
      list.push(p)
      bySlot.set(Number(p.account_id), list)
    }
    for (const slot of slots) {
      accounts++
      const subject = `${slot.account_key}#${slot.slot}`
      const from = checkpointed.get(subject)
      checkpointed.delete(subject)
      let head: string | null = from?.hash ?? GENESIS_HASH
      let seq = from?.seq ?? 0
      let balance = from?.balance ?? 0
      const marks = slot.kind === 'resident' ? new EarnedMarks(subject) : null
      if (from && Number(slot.head_seq) < from.seq) {
        problems.push({ kind: 'checkpoint_mismatch', subject, detail: `head at ${slot.head_seq}, the checkpoint of ${checkpoint!.at} saw ${from.seq}` })
      }
      for (const p of bySlot.get(Number(slot.id)) ?? []) {
        if (from && Number(p.account_seq) === from.seq) {
          if (p.hash !== from.hash) problems.push({ kind: 'checkpoint_mismatch', subject, detail: `posting ${from.seq} differs from the checkpoint of ${checkpoint!.at}` })
          marks?.startAt(p)
          continue
        }
        marks?.add(p, problems)
        seq++
        if (Number(p.account_seq) !== seq || p.prev_hash !== head) {
          problems.push({ kind: 'chain_broken', subject, detail: `at posting ${p.account_seq}` })
        }
        if (p.tx_created_at === null || timeOf(p.created_at) !== timeOf(p.tx_created_at)) {
          problems.push({ kind: 'posting_time_mismatch', subject, detail: `posting ${p.account_seq} is not dated with its transaction` })
        }
        head = p.hash
        balance += Number(p.amount)
        if (checkpoint && p.transaction_id) touched.add(p.transaction_id)
      }
      if (slot.head_hash !== head || Number(slot.head_seq) !== seq) {
        problems.push({ kind: 'slot_head_mismatch', subject, detail: `head ${slot.head_seq} vs ${seq} postings` })
      }
      if (Number(slot.balance) !== balance) {
        problems.push({ kind: 'slot_balance_mismatch', subject, detail: `stored ${slot.balance}, postings sum to ${balance}` })
      }
      marks?.check(slot, problems)
      total += Number(slot.balance)
      if (slot.kind === 'resident') {
        residentBalances.set(slot.account_key, (residentBalances.get(slot.account_key) ?? 0) + Number(slot.balance))
      }
    }
  }
  for (const subject of checkpointed.keys()) {
    problems.push({ kind: 'checkpoint_mismatch', subject, detail: `the slot in the checkpoint of ${checkpoint!.at} is gone` })
  }
  for (const [key, balance] of residentBalances) {
    if (balance < 0) problems.push({ kind: 'negative_resident_balance', subject: key, detail: `balance ${balance}` })
  }
  if (total !== 0) problems.push({ kind: 'ledger_not_zero', subject: 'ledger', detail: `all balances sum to ${total}` })
  // A full replay also checks each resident's lifetime counter (one aggregate over every resident posting).
  if (!checkpoint) problems.push(...(await earnedProblems(db)))

  // 2. Transactions: balance, award source and hashes; from a checkpoint, those with a posting after it.
  if (checkpoint) {
    const ids = [...touched].sort()
    for (let i = 0; i < ids.length; i += BATCH) {
      await checkTransactions(await db('ledger_transactions').whereIn('id', ids.slice(i, i + BATCH)).orderBy('id'))
    }
    return { transactions, postings: postingsSeen, accounts, fromCheckpoint: checkpoint.at, problems }
  }
  let afterId = ''
  for (;;) {
    const txs: TransactionRow[] = await db('ledger_transactions').where('id', '>', afterId).orderBy('id').limit(BATCH)
    if (txs.length === 0) break
    afterId = txs[txs.length - 1]!.id
    await checkTransactions(txs)
  }

  // 3. Reversals point at real transactions.
  const dangling = await db('ledger_transactions as r')
    .leftJoin('ledger_transactions as o', 'o.id', 'r.reverses_id')
    .whereNotNull('r.reverses_id')
    .whereNull('o.id')
    .select('r.id')
  for (const r of dangling) problems.push({ kind: 'dangling_reversal', subject: r.id, detail: 'reverses a transaction that does not exist' })

  // 4. No posting points at a transaction or an account that is not there (the tables have no foreign keys).
  const orphans = await db('ledger_postings as p')
    .leftJoin('ledger_transactions as t', 't.id', 'p.transaction_id')
    .leftJoin('ledger_accounts as a', 'a.id', 'p.account_id')
    .where((w) => w.whereNull('t.id').orWhereNull('a.id'))
    .select('p.transaction_id', 'p.account_id', 't.id as tx', 'a.id as account')
  for (const o of orphans) {
    problems.push({ kind: 'dangling_posting', subject: `${o.transaction_id}/${o.account_id}`, detail: o.tx ? 'its account does not exist' : 'its transaction does not exist' })
  }

  return { transactions, postings: postingsSeen, accounts, fromCheckpoint: null, problems }
}

/**
 * A resident slot's expiry marks replayed along its chain: each posting's `prior_earned` must be the counter as the
 * postings before it leave it, and the slot's `head_at` and `irregular_until` at least as late as its postings
 * make them (later only makes the expiry preview read the postings themselves; earlier would make it wrong). From
 * a checkpoint, the replay starts at the checkpointed posting, whose own marks are taken as they are.
 */
class EarnedMarks {
  private earned = 0
  private headAt: number | null = null
  private irregularUntil: number | null = null
  private readonly subject: string

  constructor(subject: string) {
    this.subject = subject
  }

  startAt(p: SlotPosting) {
    this.earned = Number(p.prior_earned) + this.earnedBy(p)
    this.headAt = timeOf(p.created_at)
  }

  add(p: SlotPosting, problems: LedgerProblem[]) {
    if (Number(p.prior_earned) !== this.earned) {
      problems.push({ kind: 'earned_mismatch', subject: this.subject, detail: `posting ${p.account_seq} records ${p.prior_earned} earned before it, the postings before it ${this.earned}` })
    }
    this.earned += this.earnedBy(p)
    const at = timeOf(p.created_at)
    if (this.headAt !== null && at < this.headAt) this.irregularUntil = Math.max(this.irregularUntil ?? this.headAt, this.headAt)
    else if (p.kind === 'reversal') this.irregularUntil = Math.max(this.irregularUntil ?? at, at)
    this.headAt = Math.max(this.headAt ?? at, at)
  }

  check(slot: { head_at: Date | number | string | null; irregular_until: Date | number | string | null }, problems: LedgerProblem[]) {
    const before = (stored: Date | number | string | null, needed: number | null) => needed !== null && (stored === null || timeOf(stored) < needed)
    if (before(slot.head_at, this.headAt)) {
      problems.push({ kind: 'time_mark_mismatch', subject: this.subject, detail: 'head_at is before the latest posting' })
    }
    if (before(slot.irregular_until, this.irregularUntil)) {
      problems.push({ kind: 'time_mark_mismatch', subject: this.subject, detail: 'irregular_until is before a posting out of time order or a reversal' })
    }
  }

  private earnedBy(p: SlotPosting) {
    return p.kind === 'award' || p.kind === 'reversal' ? Number(p.amount) : 0
  }
}

/** Each resident's `earned` counter against their award and reversal postings, in one aggregate statement. */
async function earnedProblems(db: Queryable): Promise<LedgerProblem[]> {
  const rows = await db('ledger_accounts as a')
    .leftJoin('ledger_postings as p', 'p.account_id', 'a.id')
    .leftJoin('ledger_transactions as t', 't.id', 'p.transaction_id')
    .where('a.kind', 'resident')
    .groupBy('a.id', 'a.account_key', 'a.slot', 'a.earned')
    .havingRaw(`a.earned <> COALESCE(SUM(CASE WHEN t.kind IN ('award', 'reversal') THEN p.amount ELSE 0 END), 0)`)
    .select('a.account_key', 'a.slot', 'a.earned', db.raw(`COALESCE(SUM(CASE WHEN t.kind IN ('award', 'reversal') THEN p.amount ELSE 0 END), 0) AS postings`))
  return rows.map((r) => ({
    kind: 'earned_mismatch' as const,
    subject: `${r.account_key}#${r.slot}`,
    detail: `earned ${r.earned}, awards net of reversals sum to ${r.postings}`,
  }))
}

/**
 * Verifies the ledger from the latest checkpoint in `file` signed with the key (everything with `full`, or when
 * there is none). A line of the file that is not signed with the key is itself a problem.
 */
export async function verifyFromCheckpoints(db: Queryable, file: string, full: boolean): Promise<VerifyReport> {
  const checkpoints = await readCheckpoints(file)
  const report = await verifyLedger(db, { checkpoint: full ? null : checkpoints.latest })
  for (const line of checkpoints.invalidLines) {
    report.problems.push({ kind: 'checkpoint_invalid', subject: `${file}:${line}`, detail: 'not a checkpoint signed with LEDGER_CHAIN_KEY' })
  }
  return report
}

/**
 * Reads every slot's head, then verifies everything up to now from the latest checkpoint, and appends the new
 * checkpoint only when that finds nothing wrong: a checkpoint never signs a ledger with problems. Answers the
 * verification and the checkpoint written (null when none was).
 */
export async function checkpointLedger(db: Queryable, file: string, now: Date): Promise<{ report: VerifyReport; written: Checkpoint | null }> {
  const checkpoint = await takeCheckpoint(db, now)
  const report = await verifyFromCheckpoints(db, file, false)
  if (report.problems.length > 0) return { report, written: null }
  await appendCheckpoint(file, checkpoint)
  return { report, written: checkpoint }
}
