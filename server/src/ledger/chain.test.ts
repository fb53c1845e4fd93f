import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Queryable } from '../db/knex'
import { migrationSource } from '../db/migrations'
import { withTransaction } from '../db/transaction'
import { canonicalJson } from '../lib/canonicalJson'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/databases'
import { usersRepo } from '../repositories/users'
import { regionsRepo } from '../repositories/regions'
import { contentHashOf, sha256, transactionHashOf, type ChainedTransaction } from './hash'
import { DEFAULT_LEDGER_CHAIN_KEY } from '../config'
import { appendCheckpoint, awardPoints, checkpointLedger, readCheckpoints, rechainLedger, rekeyLedger, setLedgerChainKey, spendPoints, takeCheckpoint, verifyLedger } from './index'

/** A transaction as stored, in the form its chain hash is computed from. */
async function chainedOf(db: Queryable, id: string): Promise<ChainedTransaction> {
  const tx = await db('ledger_transactions').where({ id }).first()
  const postings = await db('ledger_postings as p')
    .join('ledger_accounts as a', 'a.id', 'p.account_id')
    .where('p.transaction_id', id)
    .select('a.account_key', 'a.slot', 'p.amount', 'p.account_seq', 'p.prev_hash')
  return {
    id,
    idempotencyKey: tx.idempotency_key,
    contentHash: tx.content_hash,
    awardSource: tx.award_source,
    createdAtMs: new Date(tx.created_at).getTime(),
    postings: postings.map((p) => ({ accountKey: p.account_key, slot: Number(p.slot), amount: Number(p.amount), seq: Number(p.account_seq), prevHash: p.prev_hash })),
  }
}

/**
 * What a database writer without the key can do after changing a row: hash it again the way the chain is built,
 * with some hash it can compute, and move the heads of the slots it is the last posting of.
 */
async function rehashWithout(db: Queryable, id: string, hashOf: (tx: ChainedTransaction) => string): Promise<void> {
  const hash = hashOf(await chainedOf(db, id))
  await db('ledger_transactions').where({ id }).update({ hash })
  const postings = await db('ledger_postings').where({ transaction_id: id })
  for (const p of postings) await db('ledger_accounts').where({ id: p.account_id, head_seq: p.account_seq }).update({ head_hash: hash })
}

const unkeyed = (tx: ChainedTransaction) => sha256(canonicalJson(tx))
const guessedKey = (tx: ChainedTransaction) => transactionHashOf(tx, 'anju-development-ledger-chain-key')

describe.each(testDatabaseKinds())('ledger chain on %s', (kind) => {
  let t: TestDatabase
  let regionId: number
  let staffId: number
  const kinds = async (options?: Parameters<typeof verifyLedger>[1]) => (await verifyLedger(t.db, options)).problems.map((p) => p.kind)
  const newResident = async () => usersRepo.insert(t.db, { openid: randomUUID(), displayName: '居民', role: 'resident' })
  const award = (userId: number, points: number) =>
    withTransaction(t.db, (trx) =>
      awardPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), regionId, userId, points, source: { type: 'report', id: randomUUID() }, proposedBy: staffId, approvedBy: staffId }))
  const spend = (userId: number, points: number) =>
    withTransaction(t.db, (trx) => spendPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), userId, regionId, points, redemptionId: randomUUID() }))

  beforeAll(async () => {
    t = await createTestDatabase(kind)
    regionId = (await regionsRepo.insert(t.db, { parent: null, level: 'city', name: '链市', code: 'C' })).id
    staffId = await usersRepo.insert(t.db, { username: 'chain-staff', displayName: '员工', role: 'staff', regionId })
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('finds an edited amount even when the writer recomputes the content hash and the chain without the key', async () => {
    for (const hashOf of [unkeyed, guessedKey]) {
      const user = await newResident()
      const { id } = await award(user, 30)
      expect(await kinds()).toEqual([])
      // Both sides moved, balances kept in step, the content hash recomputed (it is unkeyed), then the chain.
      const postings = await t.db('ledger_postings').where({ transaction_id: id })
      for (const p of postings) {
        const amount = Number(p.amount) * 10
        await t.db('ledger_postings').where({ transaction_id: id, account_id: p.account_id }).update({ amount })
        await t.db('ledger_accounts').where({ id: p.account_id }).increment('balance', amount - Number(p.amount))
        await t.db('ledger_accounts').where({ id: p.account_id, kind: 'resident' }).increment('earned', amount - Number(p.amount))
      }
      const tx = await t.db('ledger_transactions').where({ id }).first()
      const accounts = await t.db('ledger_postings as p').join('ledger_accounts as a', 'a.id', 'p.account_id').where('p.transaction_id', id).select('a.account_key', 'p.amount')
      const contentHash = contentHashOf({
        kind: tx.kind, sourceType: tx.source_type, sourceId: tx.source_id, memo: tx.memo, proposedBy: tx.proposed_by, approvedBy: tx.approved_by,
        reversesId: tx.reverses_id, postings: accounts.map((a) => ({ account: a.account_key, amount: Number(a.amount) })),
      })
      await t.db('ledger_transactions').where({ id }).update({ content_hash: contentHash })
      await rehashWithout(t.db, id, hashOf)
      expect(await kinds()).toEqual(['transaction_hash_mismatch'])
      // Put back (with the key, as the ledger would) so the next case starts clean.
      for (const p of postings) {
        await t.db('ledger_postings').where({ transaction_id: id, account_id: p.account_id }).update({ amount: p.amount })
        await t.db('ledger_accounts').where({ id: p.account_id }).increment('balance', Number(p.amount) - Number(p.amount) * 10)
        await t.db('ledger_accounts').where({ id: p.account_id, kind: 'resident' }).increment('earned', Number(p.amount) - Number(p.amount) * 10)
      }
      await t.db('ledger_transactions').where({ id }).update({ content_hash: tx.content_hash })
      await rehashWithout(t.db, id, (c) => transactionHashOf(c))
      expect(await kinds()).toEqual([])
    }
  })

  it('finds a cleared award source and a changed posting time, whatever the writer rehashes with', async () => {
    const user = await newResident()
    const { id } = await award(user, 8)
    await t.db('ledger_transactions').where({ id }).update({ award_source: null })
    await rehashWithout(t.db, id, unkeyed)
    expect(await kinds()).toEqual(expect.arrayContaining(['award_source_mismatch', 'transaction_hash_mismatch']))
    const tx = await chainedOf(t.db, id)
    const source = (await t.db('ledger_transactions').where({ id }).first()).source_id
    await t.db('ledger_transactions').where({ id }).update({ award_source: `report:${source}` })
    await rehashWithout(t.db, id, (c) => transactionHashOf(c))
    expect(await kinds()).toEqual([])

    const earlier = new Date(tx.createdAtMs - 86_400_000)
    await t.db('ledger_transactions').where({ id }).update({ created_at: earlier })
    await t.db('ledger_postings').where({ transaction_id: id }).update({ created_at: earlier })
    await rehashWithout(t.db, id, guessedKey)
    expect(await kinds()).toEqual(['transaction_hash_mismatch'])
    await t.db('ledger_postings').where({ transaction_id: id }).update({ created_at: new Date(tx.createdAtMs) })
    expect(await kinds()).toEqual(expect.arrayContaining(['posting_time_mismatch', 'transaction_hash_mismatch']))
    await t.db('ledger_transactions').where({ id }).update({ created_at: new Date(tx.createdAtMs) })
    await rehashWithout(t.db, id, (c) => transactionHashOf(c))
    expect(await kinds()).toEqual([])
  })

  it('verifies from a signed checkpoint only what came after it, and sees a slot rolled back behind it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'anju-checkpoints-'))
    const file = path.join(dir, 'ledger-checkpoints.jsonl')
    expect(await readCheckpoints(file)).toEqual({ latest: null, invalidLines: [] })
    const user = await newResident()
    await award(user, 10)
    await appendCheckpoint(file, await takeCheckpoint(t.db))
    const { latest } = await readCheckpoints(file)
    expect(latest?.slots.find((s) => s.accountKey === `resident:${user}`)).toMatchObject({ seq: 1, balance: 10 })

    const last = await spend(user, 4)
    const incremental = await verifyLedger(t.db, { checkpoint: latest })
    expect(incremental.problems).toEqual([])
    expect(incremental.transactions).toBe(1)
    expect(incremental.fromCheckpoint).toBe(latest!.at)
    expect((await verifyLedger(t.db)).transactions).toBeGreaterThan(1)

    // Drop the latest posting and move the heads back: a consistent chain, only shorter. The checkpoint sees it.
    await appendCheckpoint(file, await takeCheckpoint(t.db))
    const pinned = (await readCheckpoints(file)).latest
    const postings = await t.db('ledger_postings').where({ transaction_id: last.id })
    for (const p of postings) {
      await t.db('ledger_accounts').where({ id: p.account_id }).update({ head_seq: Number(p.account_seq) - 1, head_hash: p.prev_hash })
      await t.db('ledger_accounts').where({ id: p.account_id }).decrement('balance', Number(p.amount))
    }
    await t.db('ledger_postings').where({ transaction_id: last.id }).delete()
    await t.db('ledger_transactions').where({ id: last.id }).delete()
    expect(await kinds()).toEqual([])
    expect(await kinds({ checkpoint: pinned })).toContain('checkpoint_mismatch')

    // A line not signed with the key is not a checkpoint: the earlier, valid one stays the latest.
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    const forged = { ...JSON.parse(lines[1]!), at: new Date().toISOString() }
    writeFileSync(file, `${lines.join('\n')}\n${JSON.stringify(forged)}\n`)
    const read = await readCheckpoints(file)
    expect(read.invalidLines).toEqual([3])
    expect(read.latest).toEqual(pinned)
  })

  it('replays from a checkpoint when more slots moved than one statement takes, and skips slots that did not', async () => {
    const users = await Promise.all(Array.from({ length: 130 }, () => newResident()))
    for (const u of users) await award(u, 2)
    const checkpoint = await takeCheckpoint(t.db)
    expect((await verifyLedger(t.db, { checkpoint })).transactions).toBe(0)
    for (const u of users) await spend(u, 1)
    const report = await verifyLedger(t.db, { checkpoint })
    expect(report.problems).toEqual([])
    expect(report.transactions).toBe(users.length)
    // An edit after the checkpoint in the last of those statements is still found.
    const last = await t.db('ledger_postings as p').join('ledger_accounts as a', 'a.id', 'p.account_id')
      .where('a.account_key', `resident:${users[users.length - 1]}`).orderBy('p.account_seq', 'desc').first('p.transaction_id', 'p.account_id')
    await t.db('ledger_postings').where({ transaction_id: last.transaction_id, account_id: last.account_id }).update({ amount: 0 })
    expect((await verifyLedger(t.db, { checkpoint })).problems.map((p) => p.kind)).toContain('transaction_hash_mismatch')
    await t.db('ledger_postings').where({ transaction_id: last.transaction_id, account_id: last.account_id }).update({ amount: -1 })
    expect((await verifyLedger(t.db, { checkpoint })).problems).toEqual([])
  })

  it('re-chains stored rows with the key: unkeyed hashes are found, and after re-chaining all verifies', async () => {
    const [a, b] = [await newResident(), await newResident()]
    await award(a, 5)
    await award(b, 7)
    await spend(a, 2)
    await award(a, 1)
    // Rows as an older, unkeyed chain left them.
    const ids = (await t.db('ledger_transactions').select('id')).map((r) => r.id as string)
    for (const id of ids) await t.db('ledger_transactions').where({ id }).update({ hash: unkeyed(await chainedOf(t.db, id)) })
    expect(await kinds()).toContain('transaction_hash_mismatch')
    expect(await rechainLedger(t.db)).toBe(ids.length)
    expect(await kinds()).toEqual([])
  })

  it('re-chains in the migration step', async () => {
    const user = await newResident()
    await award(user, 3)
    const ids = (await t.db('ledger_transactions').select('id')).map((r) => r.id as string)
    for (const id of ids) await t.db('ledger_transactions').where({ id }).update({ hash: unkeyed(await chainedOf(t.db, id)) })
    expect(await kinds()).toContain('transaction_hash_mismatch')
    const name = '20261126_12x_003_ledger_keyed_chain'
    await t.db.migrate.down({ migrationSource, name })
    await t.db.migrate.up({ migrationSource, name })
    expect(await kinds()).toEqual([])
  })

  it('moves the chain to a new key: verified under the old key first, re-chained in batches, checkpoints started afresh', async () => {
    const NEW_KEY = 'a-new-ledger-chain-key-of-at-least-32-characters'
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'anju-rekey-')), 'ledger-checkpoints.jsonl')
    // More postings than one UPDATE rewrites, so the writes go in several statements.
    const users = await Promise.all(Array.from({ length: 20 }, () => newResident()))
    for (let i = 0; i < 270; i++) await award(users[i % users.length]!, 1 + (i % 3))
    await checkpointLedger(t.db, file, new Date())
    const transactions = Number((await t.db('ledger_transactions').count({ n: '*' }).first())!.n)
    try {
      setLedgerChainKey(NEW_KEY)
      expect(await kinds()).toContain('transaction_hash_mismatch')
      // Verified under the key it was chained with: a ledger altered before the change is left as it is.
      const victim = (await t.db('ledger_postings').where('amount', '>', 0).first())!
      await t.db('ledger_postings').where({ transaction_id: victim.transaction_id, account_id: victim.account_id }).update({ amount: 99 })
      const refused = await rekeyLedger(t.db, { previousKey: DEFAULT_LEDGER_CHAIN_KEY, checkpointFile: file, now: new Date() })
      expect(refused.checkpoint).toBeNull()
      expect(refused.problems.map((p) => p.kind)).toContain('unbalanced_transaction')
      expect((await readCheckpoints(file)).latest).toBeNull() // under the new key, the old file's lines are not ours
      await t.db('ledger_postings').where({ transaction_id: victim.transaction_id, account_id: victim.account_id }).update({ amount: victim.amount })

      const done = await rekeyLedger(t.db, { previousKey: DEFAULT_LEDGER_CHAIN_KEY, checkpointFile: file, now: new Date() })
      expect(done.problems).toEqual([])
      expect(done.rehashed).toBe(transactions)
      expect(done.retiredFile).toMatch(/ledger-checkpoints\.jsonl\.retired-/)
      expect(readFileSync(done.retiredFile!, 'utf8').trim().split('\n')).toHaveLength(1)
      expect(await kinds()).toEqual([])
      const fresh = await readCheckpoints(file)
      expect(fresh.invalidLines).toEqual([])
      expect(fresh.latest).not.toBeNull()
      expect((await verifyLedger(t.db, { key: DEFAULT_LEDGER_CHAIN_KEY })).problems.map((p) => p.kind)).toContain('transaction_hash_mismatch')
    } finally {
      setLedgerChainKey(DEFAULT_LEDGER_CHAIN_KEY)
      await rechainLedger(t.db)
    }
    expect(await kinds()).toEqual([])
  })
})
