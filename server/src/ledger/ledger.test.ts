import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTransaction } from '../db/transaction'
import { AppError } from '../errors'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/databases'
import { usersRepo } from '../repositories/users'
import { regionsRepo } from '../repositories/regions'
import {
  accountBalance, awardPoints, balanceOf, decodeEntriesCursor, entriesOf, lifetimeEarned,
  refundPoints, reverseAward, spendPoints, verifyLedger,
} from './index'
import { postTransaction } from './post'
import { ledgerSql } from './sql'
import * as residentEarned from '../db/migrations/20261126_200_resident_earned'
import * as ledgerPostProcedure from '../db/migrations/20261126_230_ledger_post_procedure'
import { createDb } from '../db/knex'

describe.each(testDatabaseKinds())('ledger on %s', (kind) => {
  let t: TestDatabase
  let regionId: number
  let staffId: number
  const newResident = async () => usersRepo.insert(t.db, { openid: randomUUID(), displayName: '居民', role: 'resident' })
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(t.db, work)
  const award = (userId: number, points: number, sourceId = randomUUID(), key = randomUUID()) =>
    tx((trx) => awardPoints(trx, { at: new Date(), idempotencyKey: key, regionId, userId, points, source: { type: 'manual', id: sourceId }, proposedBy: staffId, approvedBy: staffId }))
  const spend = (userId: number, points: number, key = randomUUID()) =>
    tx((trx) => spendPoints(trx, { at: new Date(), idempotencyKey: key, userId, regionId, points, redemptionId: randomUUID() }))
  const codeOf = async (p: Promise<unknown>) => {
    try {
      await p
      return 'ok'
    } catch (err) {
      if (err instanceof AppError) return err.code
      throw err
    }
  }

  beforeAll(async () => {
    t = await createTestDatabase(kind)
    const region = await regionsRepo.insert(t.db, { parent: null, level: 'city', name: '测试市', code: 'T' })
    regionId = region.id
    staffId = await usersRepo.insert(t.db, { username: 'ledger-staff', displayName: '员工', role: 'staff', regionId })
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('moves points from the issuer to the resident and back out on redemption', async () => {
    const user = await newResident()
    await award(user, 30)
    await award(user, 20)
    expect(await balanceOf(t.db, user)).toBe(50)
    await spend(user, 45)
    expect(await balanceOf(t.db, user)).toBe(5)
    expect(await lifetimeEarned(t.db, user)).toBe(50)
    expect((await verifyLedger(t.db)).problems).toEqual([])
  })

  it('posts to the right rows even when a remembered slot id points at another account', async () => {
    const [a, b] = [await newResident(), await newResident()]
    await award(a, 4)
    await award(b, 6)
    // Remember every slot as it is, then point a's remembered row id at b's row: the lock (and, on MySQL, the
    // procedure's check) must notice and find a's row by its key.
    await tx(async (trx) => {
      const sql = await ledgerSql(trx)
      const columns = ['id', 'account_key', 'slot', 'kind', 'balance', 'earned', 'head_seq', 'head_hash', 'head_at', 'irregular_until']
      for (const row of await trx('ledger_accounts').select(columns)) sql.slots.set(`${row.account_key}#${row.slot}`, row)
      sql.slots.set(`resident:${a}#0`, { ...sql.slots.get(`resident:${a}#0`)!, id: sql.slots.get(`resident:${b}#0`)!.id })
    })
    await award(a, 1)
    expect(await balanceOf(t.db, a)).toBe(5)
    expect(await balanceOf(t.db, b)).toBe(6)
    expect((await verifyLedger(t.db)).problems).toEqual([])
  })

  it('follows postings another process made since this one last saw the slots, and refuses a spend only on the locked row', async () => {
    // This process remembers the resident's slot and the issuer's slots as it left them; another process (its own
    // connection pool) then moves them. What this one remembered is stale: the posting must follow the real heads.
    const other = createDb(t.config)
    try {
      const user = await newResident()
      await award(user, 3)
      await spend(user, 3)
      for (let i = 0; i < 20; i++) {
        await withTransaction(other, (trx) => awardPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), regionId, userId: user, points: 1, source: { type: 'manual', id: randomUUID() }, proposedBy: staffId, approvedBy: staffId }))
      }
      // Remembered here: a balance of 0. The resident now has 20, so the spend is made, not refused.
      expect(await codeOf(spend(user, 15))).toBe('ok')
      await award(user, 2)
      expect(await balanceOf(t.db, user)).toBe(7)
      expect(await lifetimeEarned(t.db, user)).toBe(25)
      expect(await codeOf(spend(user, 8))).toBe('INSUFFICIENT_POINTS')
      expect((await verifyLedger(t.db)).problems).toEqual([])
    } finally {
      await other.destroy()
    }
  })

  it('puts a slot back when only the other one moved, and when a duplicate refuses the transaction row', async () => {
    // Another process pays the resident from another region: the resident's slot moves, this region's issuer slots
    // do not. Each posting here then finds one slot as remembered and one not.
    const elsewhere = (await regionsRepo.insert(t.db, { parent: null, level: 'city', name: '邻市', code: `N${randomUUID().slice(0, 6)}` })).id
    const other = createDb(t.config)
    try {
      const user = await newResident()
      await award(user, 1)
      for (let round = 0; round < 5; round++) {
        await withTransaction(other, (trx) => awardPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), regionId: elsewhere, userId: user, points: 10, source: { type: 'manual', id: randomUUID() }, proposedBy: staffId, approvedBy: staffId }))
        await award(user, 1)
      }
      expect(await balanceOf(t.db, user)).toBe(56)
      // Replays and a second award of one source, again and again, with every slot remembered as it is.
      const key = randomUUID()
      const source = randomUUID()
      const first = await award(user, 4, source, key)
      for (let i = 0; i < 10; i++) {
        expect(await award(user, 4, source, key)).toEqual({ id: first.id, replayed: true })
        expect(await codeOf(award(user, 4, source))).toBe('ALREADY_AWARDED')
      }
      expect(await balanceOf(t.db, user)).toBe(60)
      expect(await lifetimeEarned(t.db, user)).toBe(60)
      expect(await accountBalance(t.db, `issuer:${regionId}`) + await accountBalance(t.db, `issuer:${elsewhere}`)).toBeLessThan(0)
      expect((await verifyLedger(t.db)).problems).toEqual([])
    } finally {
      await other.destroy()
    }
  })

  if (kind === 'mysql') {
    it('posts with plain statements where the database has no ledger_post_pair procedure', async () => {
      await t.db.raw('DROP PROCEDURE ledger_post_pair')
      // A process that has not yet found the procedure missing.
      const other = createDb(t.config)
      try {
        const user = await newResident()
        const viaOther = (points: number) => withTransaction(other, (trx) => awardPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), regionId, userId: user, points, source: { type: 'manual', id: randomUUID() }, proposedBy: staffId, approvedBy: staffId }))
        await viaOther(4)
        await viaOther(5)
        await withTransaction(other, (trx) => spendPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), userId: user, regionId, points: 6, redemptionId: randomUUID() }))
        expect(await balanceOf(t.db, user)).toBe(3)
        expect((await verifyLedger(t.db)).problems).toEqual([])
      } finally {
        await other.destroy()
        await ledgerPostProcedure.up(t.db)
      }
    })
  }

  it('never lets a resident go below zero, and a refused spend changes nothing', async () => {
    const user = await newResident()
    await award(user, 10)
    expect(await codeOf(spend(user, 11))).toBe('INSUFFICIENT_POINTS')
    expect(await balanceOf(t.db, user)).toBe(10)
    expect(await codeOf(spend(await newResident(), 1))).toBe('INSUFFICIENT_POINTS')
  })

  it('refuses unbalanced or malformed transactions', async () => {
    const user = await newResident()
    await expect(tx((trx) => postTransaction(trx, {
      at: new Date(), idempotencyKey: randomUUID(), kind: 'award', source: { type: 'manual', id: 'x' },
      postings: [{ account: { kind: 'issuer', regionId }, amount: -5 }, { account: { kind: 'resident', userId: user }, amount: 4 }],
    }))).rejects.toThrow(/sum to zero/)
    await expect(tx((trx) => postTransaction(trx, {
      at: new Date(), idempotencyKey: randomUUID(), kind: 'award', source: { type: 'manual', id: 'y' },
      postings: [{ account: { kind: 'issuer', regionId }, amount: -1.5 }, { account: { kind: 'resident', userId: user }, amount: 1.5 }],
    }))).rejects.toThrow(/integer/)
  })

  it('returns the first result for a repeated key, and refuses the key with other content', async () => {
    const user = await newResident()
    const key = randomUUID()
    const source = randomUUID()
    const first = await award(user, 7, source, key)
    const again = await award(user, 7, source, key)
    expect(again).toEqual({ id: first.id, replayed: true })
    expect(await balanceOf(t.db, user)).toBe(7)
    expect(await codeOf(award(user, 8, source, key))).toBe('LEDGER_KEY_CONFLICT')
  })

  it('never awards one source twice, whatever the key', async () => {
    const user = await newResident()
    const source = randomUUID()
    await award(user, 5, source)
    expect(await codeOf(award(user, 5, source))).toBe('ALREADY_AWARDED')
    expect(await balanceOf(t.db, user)).toBe(5)
  })

  it('claws an award back only as far as the balance goes, once', async () => {
    const user = await newResident()
    const { id } = await award(user, 40)
    await spend(user, 30)
    const reversal = await tx((trx) => reverseAward(trx, { at: new Date(), transactionId: id, idempotencyKey: `rev-${id}`, actorId: staffId }))
    expect(reversal).toMatchObject({ clawedBack: 10, shortfall: 30, replayed: false })
    expect(await balanceOf(t.db, user)).toBe(0)
    const replay = await tx((trx) => reverseAward(trx, { at: new Date(), transactionId: id, idempotencyKey: `rev-${id}`, actorId: staffId }))
    expect(replay).toMatchObject({ id: reversal.id, clawedBack: 10, shortfall: 30, replayed: true })
    expect(await codeOf(tx((trx) => reverseAward(trx, { at: new Date(), transactionId: id, idempotencyKey: randomUUID(), actorId: staffId })))).toBe('ALREADY_REVERSED')
    expect(await lifetimeEarned(t.db, user)).toBe(30)
  })

  it('refunds a redemption into the resident account', async () => {
    const user = await newResident()
    await award(user, 20)
    const redemptionId = randomUUID()
    await tx((trx) => spendPoints(trx, { at: new Date(), idempotencyKey: `r-${redemptionId}`, userId: user, regionId, points: 15, redemptionId }))
    await tx((trx) => refundPoints(trx, { at: new Date(), idempotencyKey: `f-${redemptionId}`, userId: user, regionId, points: 15, redemptionId, actorId: user }))
    expect(await balanceOf(t.db, user)).toBe(20)
  })

  it('pages a resident\'s entries newest first with a cursor, each once, including entries made in one millisecond', async () => {
    const user = await newResident()
    // Awards and spends, many of them within the same millisecond: the order is the account's own.
    const amounts: number[] = []
    for (let i = 1; i <= 13; i++) {
      if (i % 4 === 0) {
        await spend(user, 1)
        amounts.push(-1)
      } else {
        await award(user, i)
        amounts.push(i)
      }
    }
    const seen: number[] = []
    let next: string | null = null
    let pages = 0
    do {
      const page: Awaited<ReturnType<typeof entriesOf>> = await entriesOf(t.db, user, { limit: 3, before: next ? decodeEntriesCursor(next) : undefined })
      expect(page.items.length).toBeLessThanOrEqual(3)
      seen.push(...page.items.map((e) => e.amount))
      next = page.next
      pages++
    } while (next)
    expect(seen).toEqual([...amounts].reverse())
    expect(pages).toBe(5)
    expect(decodeEntriesCursor('0')).toBeUndefined()
    expect(decodeEntriesCursor('1_x')).toBeUndefined()
  })

  it('reads a page of entries along the account\'s chain index, never sorting the resident\'s history', async () => {
    const user = await newResident()
    for (let i = 0; i < 30; i++) await award(user, 1)
    const statements: { sql: string; bindings: unknown[] }[] = []
    const listen = (q: { sql: string; bindings: unknown[] }) => statements.push(q)
    t.db.on('query', listen)
    const page = await entriesOf(t.db, user, { limit: 5, before: 20 })
    const first = await entriesOf(t.db, user, { limit: 5 })
    t.db.off('query', listen)
    expect(page.items).toHaveLength(5)
    expect(page.next).toBe('15')
    expect(first.next).toBe('26')
    expect(statements).toHaveLength(2)
    for (const { sql, bindings } of statements) {
      if (kind === 'mysql') {
        const [plan] = await t.db.raw(`EXPLAIN ${sql}`, bindings as never[])
        const postings = (plan as { table: string; key: string | null; Extra: string | null; rows: number }[]).find((r) => r.table === 'p')!
        expect(postings.key).toBe('ledger_postings_account_id_account_seq_unique')
        for (const row of plan as { Extra: string | null }[]) expect(row.Extra ?? '').not.toMatch(/filesort|temporary/i)
      } else {
        const plan = (await t.db.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings as never[])) as { detail: string }[]
        const details = plan.map((r) => r.detail).join('\n')
        expect(details).toMatch(/ledger_postings_account_id_account_seq_unique/)
        expect(details).not.toMatch(/TEMP B-TREE/)
      }
    }
    if (kind === 'mysql') {
      // Where one resident's history is most of the ledger's transactions, the optimizer rates scanning the
      // transactions as cheap as walking the account's postings, and then reads and sorts the whole history.
      // Statistics that put the transactions at one row force that choice; the page must still read only itself.
      const [[{ schema }]] = await t.db.raw('SELECT DATABASE() AS `schema`')
      await t.db.raw('REPLACE INTO mysql.table_stats (db_name, table_name, cardinality) VALUES (?, ?, 1)', [schema, 'ledger_transactions'])
      await t.db.raw('FLUSH TABLES ledger_transactions')
      try {
        for (const { sql, bindings } of statements) {
          const [plan] = await t.db.raw(`ANALYZE ${sql}`, bindings as never[])
          for (const row of plan as { table: string; type: string; r_rows: number | null }[]) {
            expect(row.type, `${row.table} in ${sql}`).not.toBe('ALL')
            expect(Number(row.r_rows ?? 0), `${row.table} in ${sql}`).toBeLessThanOrEqual(6)
          }
        }
      } finally {
        await t.db.raw('DELETE FROM mysql.table_stats WHERE db_name = ?', [schema])
        await t.db.raw('FLUSH TABLES ledger_transactions')
      }
    }
  })

  it('keeps lifetime earnings on the account row, backfilled by its migration and checked by verify', async () => {
    const user = await newResident()
    await award(user, 25)
    const { id } = await award(user, 10)
    await spend(user, 5)
    await tx((trx) => reverseAward(trx, { at: new Date(), transactionId: id, idempotencyKey: `rev-${id}`, actorId: staffId }))
    expect(await lifetimeEarned(t.db, user)).toBe(25)
    // Dropped and added again, the column is filled from the postings.
    await residentEarned.down(t.db)
    await residentEarned.up(t.db)
    expect(await lifetimeEarned(t.db, user)).toBe(25)
    expect((await verifyLedger(t.db)).problems).toEqual([])
    await t.db('ledger_accounts').where({ account_key: `resident:${user}` }).update({ earned: 26 })
    expect((await verifyLedger(t.db)).problems).toEqual([
      { kind: 'earned_mismatch', subject: `resident:${user}#0`, detail: 'earned 26, awards net of reversals sum to 25' },
    ])
    await t.db('ledger_accounts').where({ account_key: `resident:${user}` }).update({ earned: 25 })
  })

  it('keeps the issuer spread over slots but summing to what it issued', async () => {
    const before = await accountBalance(t.db, `issuer:${regionId}`)
    const user = await newResident()
    for (let i = 0; i < 10; i++) await award(user, 1)
    expect(await accountBalance(t.db, `issuer:${regionId}`)).toBe(before - 10)
    const slots = await t.db('ledger_accounts').where({ account_key: `issuer:${regionId}` })
    expect(slots.length).toBe(16)
  })

  it('shows tampering: an edited amount, an edited memo and a deleted posting are all found', async () => {
    const user = await newResident()
    const { id } = await award(user, 12)
    expect((await verifyLedger(t.db)).problems).toEqual([])

    const posting = await t.db('ledger_postings').where({ transaction_id: id }).andWhere('amount', '>', 0).first()
    await t.db('ledger_postings').where({ transaction_id: id, account_id: posting.account_id }).update({ amount: 1200 })
    const edited = await verifyLedger(t.db)
    expect(edited.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['unbalanced_transaction', 'content_hash_mismatch', 'transaction_hash_mismatch', 'slot_balance_mismatch']))
    await t.db('ledger_postings').where({ transaction_id: id, account_id: posting.account_id }).update({ amount: 12 })

    await t.db('ledger_transactions').where({ id }).update({ memo: '改过的' })
    expect((await verifyLedger(t.db)).problems.map((p) => p.kind)).toContain('content_hash_mismatch')
    await t.db('ledger_transactions').where({ id }).update({ memo: '' })
    expect((await verifyLedger(t.db)).problems).toEqual([])

    await t.db('ledger_accounts').where({ id: posting.account_id }).update({ balance: 99 })
    expect((await verifyLedger(t.db)).problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['slot_balance_mismatch', 'ledger_not_zero']))
    await t.db('ledger_accounts').where({ id: posting.account_id }).update({ balance: 12 })
    expect((await verifyLedger(t.db)).problems).toEqual([])

    await t.db('ledger_postings').insert({ ...posting, account_seq: 999, transaction_id: '00000000-0000-4000-8000-000000000000' })
    expect((await verifyLedger(t.db)).problems.map((p) => p.kind)).toContain('dangling_posting')
    await t.db('ledger_postings').where({ transaction_id: '00000000-0000-4000-8000-000000000000' }).delete()
    expect((await verifyLedger(t.db)).problems).toEqual([])
  })

  it('refuses a spend the balance cannot cover before writing anything, so catching the refusal commits nothing', async () => {
    const user = await newResident()
    await award(user, 5)
    const before = Number((await t.db('ledger_transactions').count({ n: '*' }).first())!.n)
    // No savepoint around the spend: the caller catches the refusal and commits the rest of its work.
    const code = await tx(async (trx) => codeOf(spendPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), userId: user, regionId, points: 6, redemptionId: randomUUID() })))
    expect(code).toBe('INSUFFICIENT_POINTS')
    expect(Number((await t.db('ledger_transactions').count({ n: '*' }).first())!.n)).toBe(before)
    expect((await verifyLedger(t.db)).problems).toEqual([])
  })

  it('answers a retried spend as a replay even when the balance is now short', async () => {
    const user = await newResident()
    await award(user, 5)
    const key = randomUUID()
    const redemptionId = randomUUID()
    const once = () => tx((trx) => spendPoints(trx, { at: new Date(), idempotencyKey: key, userId: user, regionId, points: 5, redemptionId }))
    const first = await once()
    expect(await once()).toEqual({ id: first.id, replayed: true })
    expect(await balanceOf(t.db, user)).toBe(0)
  })

  it('refuses ledger statements that arrive after their transaction has ended', async () => {
    const user = await newResident()
    await award(user, 10)
    const before = Number((await t.db('ledger_transactions').count({ n: '*' }).first())!.n)
    // The work forgets to wait for a posting: the transaction commits while the posting is on its way.
    let late: Promise<unknown> = Promise.resolve()
    let leaked: Parameters<Parameters<typeof withTransaction>[1]>[0] | undefined
    await tx(async (trx) => {
      leaked = trx
      late = spendPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), userId: user, regionId, points: 3, redemptionId: randomUUID() })
      late.catch(() => {})
    })
    await expect(late).rejects.toThrow(/already ended|already complete/)
    await expect(spendPoints(leaked!, { at: new Date(), idempotencyKey: randomUUID(), userId: user, regionId, points: 3, redemptionId: randomUUID() }))
      .rejects.toThrow(/already ended|already complete/)
    expect(Number((await t.db('ledger_transactions').count({ n: '*' }).first())!.n)).toBe(before)
    expect(await balanceOf(t.db, user)).toBe(10)
    expect((await verifyLedger(t.db)).problems).toEqual([])
  })
})
