import type { Queryable } from '../db/knex'
import { GENESIS_HASH } from './hash'

/** The accounts of the ledger. Points are city-wide: one account per resident. */
export type AccountRef =
  | { kind: 'resident'; userId: number }
  /** A region's issuing account: awards come out of it; it runs negative by what the region has issued. */
  | { kind: 'issuer'; regionId: number }
  /** Where redeemed points go (per region of the reward's scope). */
  | { kind: 'redemption'; regionId: number }
  /** Where expired points go, for regions that enable expiry. */
  | { kind: 'expiry'; regionId: number }

export type AccountKind = AccountRef['kind']

/**
 * Busy accounts are spread over several rows (slots) so concurrent postings do not queue behind one row lock;
 * a resident's account is one row, which is what keeps their balance from going below zero in one guarded update.
 */
export const SLOTS: Record<AccountKind, number> = { resident: 1, issuer: 16, redemption: 16, expiry: 4 }

export function accountKeyOf(ref: AccountRef): string {
  return ref.kind === 'resident' ? `resident:${ref.userId}` : `${ref.kind}:${ref.regionId}`
}

/** Creates every slot of the account if missing; safe to call concurrently. */
export async function ensureAccount(db: Queryable, ref: AccountRef, now: Date): Promise<void> {
  const key = accountKeyOf(ref)
  const rows = Array.from({ length: SLOTS[ref.kind] }, (_, slot) => ({
    account_key: key,
    slot,
    kind: ref.kind,
    user_id: ref.kind === 'resident' ? ref.userId : null,
    region_id: ref.kind === 'resident' ? null : ref.regionId,
    balance: 0,
    head_seq: 0,
    head_hash: GENESIS_HASH,
    created_at: now,
  }))
  await db('ledger_accounts').insert(rows).onConflict(['account_key', 'slot']).ignore()
}

/**
 * A random slot of the account: spreads the load; which one does not matter to the balance. Slots `busy` answers
 * true for (held by another of this process's open transactions) are passed over while a free one remains.
 */
export function pickSlot(ref: AccountRef, busy: (slot: number) => boolean = () => false): number {
  const slots = SLOTS[ref.kind]
  const start = Math.floor(Math.random() * slots)
  for (let i = 0; i < slots; i++) {
    const slot = (start + i) % slots
    if (!busy(slot)) return slot
  }
  return start
}

/**
 * Locks a resident's account row until commit, creating it first if needed. Used to serialise what one
 * resident does (redemptions against per-resident limits, awards against caps) without touching anyone else.
 * The row is locked with SELECT … FOR UPDATE before any insert is tried: an INSERT IGNORE on an existing row
 * takes a shared lock, and two of those upgrading to exclusive deadlock each other.
 */
export async function lockResidentAccount(db: Queryable, userId: number, now: Date): Promise<void> {
  const ref: AccountRef = { kind: 'resident', userId }
  const key = accountKeyOf(ref)
  if (await db('ledger_accounts').where({ account_key: key, slot: 0 }).forUpdate().first('id')) return
  await ensureAccount(db, ref, now)
  await db('ledger_accounts').where({ account_key: key, slot: 0 }).forUpdate().first('id')
}
