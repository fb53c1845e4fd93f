/**
 * The safety-points ledger: double-entry, integer points, immutable. Other modules use only what this file
 * exports. Every function that writes takes the caller's transaction, so an award or a redemption commits
 * together with whatever caused it.
 */
import type { Trx } from '../db/knex'
import { errors } from '../errors'
import { accountKeyOf, type AccountRef } from './accounts'
import { postTransaction, type PostedTransaction, type SourceType } from './post'

export type { AccountRef } from './accounts'
export { accountKeyOf, ensureAccount, lockResidentAccount } from './accounts'
export { SOURCE_TYPES, TRANSACTION_KINDS } from './post'
export type { PostedTransaction, SourceType, TransactionKind } from './post'
export { accountBalance, balanceOf, decodeEntriesCursor, earnedSince, entriesOf, expirable, lifetimeEarned, residentAccountOf } from './statements'
export type { LedgerEntry, ResidentAccount } from './statements'
export { checkpointLedger, verifyFromCheckpoints, verifyLedger } from './verify'
export type { LedgerProblem, VerifyOptions, VerifyReport } from './verify'
export { setLedgerChainKey } from './hash'
export { appendCheckpoint, readCheckpoints, takeCheckpoint } from './checkpoint'
export type { Checkpoint, CheckpointFile } from './checkpoint'
export { rechainLedger } from './rechain'
export { rekeyLedger } from './rekey'
export type { RekeyResult } from './rekey'

/** Points from a region's issuing account to a resident. One award per source, ever. */
export function awardPoints(
  trx: Trx,
  a: {
    idempotencyKey: string
    regionId: number
    userId: number
    points: number
    source: { type: Exclude<SourceType, 'redemption'>; id: string }
    proposedBy: number | null
    approvedBy: number | null
    memo?: string
    at: Date
  },
): Promise<PostedTransaction> {
  if (!Number.isSafeInteger(a.points) || a.points <= 0) throw new Error('an award is a positive number of points')
  return postTransaction(trx, {
    at: a.at,
    idempotencyKey: a.idempotencyKey,
    kind: 'award',
    source: a.source,
    memo: a.memo,
    proposedBy: a.proposedBy,
    approvedBy: a.approvedBy,
    postings: [
      { account: { kind: 'issuer', regionId: a.regionId }, amount: -a.points },
      { account: { kind: 'resident', userId: a.userId }, amount: a.points },
    ],
  })
}

/** Points from a resident into the redemption sink of the reward's region; refused when the balance is short. */
export function spendPoints(
  trx: Trx,
  s: { idempotencyKey: string; userId: number; regionId: number; points: number; redemptionId: string; memo?: string; at: Date },
): Promise<PostedTransaction> {
  if (!Number.isSafeInteger(s.points) || s.points <= 0) throw new Error('a redemption costs a positive number of points')
  return postTransaction(trx, {
    at: s.at,
    idempotencyKey: s.idempotencyKey,
    kind: 'redemption',
    source: { type: 'redemption', id: s.redemptionId },
    memo: s.memo,
    proposedBy: s.userId,
    approvedBy: null,
    postings: [
      { account: { kind: 'resident', userId: s.userId }, amount: -s.points },
      { account: { kind: 'redemption', regionId: s.regionId }, amount: s.points },
    ],
  })
}

/** Gives a redemption's points back (cancelled or expired before pickup). */
export function refundPoints(
  trx: Trx,
  r: { idempotencyKey: string; userId: number; regionId: number; points: number; redemptionId: string; actorId: number | null; memo?: string; at: Date },
): Promise<PostedTransaction> {
  return postTransaction(trx, {
    at: r.at,
    idempotencyKey: r.idempotencyKey,
    kind: 'refund',
    source: { type: 'redemption', id: r.redemptionId },
    memo: r.memo,
    proposedBy: r.actorId,
    approvedBy: null,
    postings: [
      { account: { kind: 'redemption', regionId: r.regionId }, amount: -r.points },
      { account: { kind: 'resident', userId: r.userId }, amount: r.points },
    ],
  })
}

/**
 * Moves a resident's expired points into the expiry sink of the region whose setting expired them. `cutoffDay`
 * names the day before which the points were earned (the transaction's source).
 */
export function expirePoints(
  trx: Trx,
  e: { idempotencyKey: string; userId: number; regionId: number; points: number; cutoffDay: string; memo?: string; at: Date },
): Promise<PostedTransaction> {
  if (!Number.isSafeInteger(e.points) || e.points <= 0) throw new Error('an expiry is a positive number of points')
  return postTransaction(trx, {
    at: e.at,
    idempotencyKey: e.idempotencyKey,
    kind: 'expiry',
    source: { type: 'expiry', id: e.cutoffDay },
    memo: e.memo,
    proposedBy: null,
    approvedBy: null,
    postings: [
      { account: { kind: 'resident', userId: e.userId }, amount: -e.points },
      { account: { kind: 'expiry', regionId: e.regionId }, amount: e.points },
    ],
  })
}

export interface Reversal extends PostedTransaction {
  /** Points actually taken back. */
  clawedBack: number
  /** What the resident could not cover: the caller records it as a debt. */
  shortfall: number
}

/**
 * Reverses an award: takes back from the resident what they still have (never below zero) and returns it to
 * the issuing account. A transaction is reversed at most once. When the resident has nothing left, nothing is
 * posted (clawedBack 0): the caller records the whole award as a debt and marks the award reversed itself.
 */
export async function reverseAward(
  trx: Trx,
  r: { transactionId: string; idempotencyKey: string; actorId: number | null; memo?: string; at: Date },
): Promise<Reversal> {
  const original = await trx('ledger_transactions').where({ id: r.transactionId }).first()
  if (!original || original.kind !== 'award') throw errors.notFound()
  const replay = await trx('ledger_transactions').where({ idempotency_key: r.idempotencyKey }).first('id', 'reverses_id')
  if (replay) {
    if (replay.reverses_id !== r.transactionId) throw errors.ledgerKeyConflict()
    const taken = await trx('ledger_postings as p')
      .join('ledger_accounts as a', 'a.id', 'p.account_id')
      .where({ 'p.transaction_id': replay.id, 'a.kind': 'resident' })
      .first('p.amount')
    const awardedRow = await trx('ledger_postings as p')
      .join('ledger_accounts as a', 'a.id', 'p.account_id')
      .where({ 'p.transaction_id': r.transactionId, 'a.kind': 'resident' })
      .first('p.amount')
    const clawedBack = -Number(taken.amount)
    return { id: replay.id, replayed: true, clawedBack, shortfall: Number(awardedRow.amount) - clawedBack }
  }
  const postings = await trx('ledger_postings as p')
    .join('ledger_accounts as a', 'a.id', 'p.account_id')
    .where('p.transaction_id', r.transactionId)
    .select('a.account_key', 'a.kind', 'a.user_id', 'a.region_id', 'p.amount')
  const credit = postings.find((p) => p.kind === 'resident')!
  const issuer = postings.find((p) => p.kind === 'issuer')!
  const resident: AccountRef = { kind: 'resident', userId: Number(credit.user_id) }
  // Lock the resident's row before reading what they have, so the amount cannot change underneath.
  const slot = await trx('ledger_accounts').where({ account_key: accountKeyOf(resident) }).forUpdate().first('balance')
  // Checked under the lock: a reversal that committed while we waited is seen here.
  if (await trx('ledger_transactions').where({ reverses_id: r.transactionId }).first('id')) throw errors.alreadyReversed()
  const awarded = Number(credit.amount)
  const clawedBack = Math.min(awarded, Math.max(0, Number(slot?.balance ?? 0)))
  const shortfall = awarded - clawedBack
  if (clawedBack === 0) {
    return { id: '', replayed: false, clawedBack: 0, shortfall }
  }
  const posted = await postTransaction(trx, {
    at: r.at,
    idempotencyKey: r.idempotencyKey,
    kind: 'reversal',
    source: { type: original.source_type, id: original.source_id },
    memo: r.memo,
    proposedBy: r.actorId,
    approvedBy: r.actorId,
    reversesId: r.transactionId,
    postings: [
      { account: resident, amount: -clawedBack },
      { account: { kind: 'issuer', regionId: Number(issuer.region_id) }, amount: clawedBack },
    ],
  })
  return { ...posted, clawedBack, shortfall }
}

/**
 * Takes what a resident still owes from clawbacks they could not cover out of a new award (`points` at most what
 * that award granted), back to the issuing account that funded it. Keyed by the award that repays.
 */
export function repayDebt(
  trx: Trx,
  d: { idempotencyKey: string; userId: number; regionId: number; points: number; source: { type: Exclude<SourceType, 'redemption'>; id: string }; actorId: number | null; at: Date },
): Promise<PostedTransaction> {
  if (!Number.isSafeInteger(d.points) || d.points <= 0) throw new Error('a repayment is a positive number of points')
  return postTransaction(trx, {
    at: d.at,
    idempotencyKey: d.idempotencyKey,
    kind: 'reversal',
    source: d.source,
    memo: '抵扣此前撤回的积分',
    proposedBy: d.actorId,
    approvedBy: d.actorId,
    postings: [
      { account: { kind: 'resident', userId: d.userId }, amount: -d.points },
      { account: { kind: 'issuer', regionId: d.regionId }, amount: d.points },
    ],
  })
}
