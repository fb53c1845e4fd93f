import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import { withTransaction } from '../db/transaction'
import { awardPoints, readCheckpoints, verifyFromCheckpoints } from '../ledger'
import { createLogger } from '../logger'
import { regionsRepo } from '../repositories/regions'
import { usersRepo } from '../repositories/users'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/databases'
import { runLedgerCheckpoint } from './checkpointLedger'

describe.each(testDatabaseKinds())('the ledger-checkpoint job on %s', (kind) => {
  let t: TestDatabase
  let file: string
  let logged: Record<string, unknown>[]
  let regionId: number

  const servicesWith = (minutes: number) => {
    const config = loadConfig({ NODE_ENV: 'test', LEDGER_CHECKPOINT_FILE: file, LEDGER_CHECKPOINT_INTERVAL_MINUTES: String(minutes) })
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged.push(JSON.parse(String(chunk)))
        done()
      },
    })
    return { db: t.db, config, logger: createLogger('info', sink) }
  }
  const award = async (points: number) => {
    const userId = await usersRepo.insert(t.db, { openid: randomUUID(), displayName: '居民', role: 'resident' })
    return withTransaction(t.db, (trx) =>
      awardPoints(trx, { at: new Date(), idempotencyKey: randomUUID(), regionId, userId, points, source: { type: 'manual', id: randomUUID() }, proposedBy: null, approvedBy: null }))
  }
  const lines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean)

  beforeEach(async () => {
    t = await createTestDatabase(kind)
    file = path.join(mkdtempSync(path.join(os.tmpdir(), 'anju-checkpoint-job-')), 'ledger-checkpoints.jsonl')
    logged = []
    regionId = (await regionsRepo.insert(t.db, { parent: null, level: 'city', name: '检查市', code: `C${randomUUID().slice(0, 6)}` })).id
  })
  afterEach(async () => {
    await t.drop()
  })

  it('appends a signed checkpoint each run, from which verification replays only what came after', async () => {
    await award(5)
    await award(7)
    expect(await runLedgerCheckpoint(servicesWith(60), new Date())).toEqual({ processed: 1 })
    expect(lines()).toHaveLength(1)
    const first = await readCheckpoints(file)
    expect(first.invalidLines).toEqual([])
    expect(first.latest!.slots.some((s) => s.balance === 5)).toBe(true)

    await award(3)
    const since = await verifyFromCheckpoints(t.db, file, false)
    expect(since.problems).toEqual([])
    expect(since.transactions).toBe(1)

    expect(await runLedgerCheckpoint(servicesWith(60), new Date())).toEqual({ processed: 1 })
    expect(lines()).toHaveLength(2)
    expect((await verifyFromCheckpoints(t.db, file, false)).transactions).toBe(0)
  })

  it('writes no checkpoint over an altered ledger, and says so as an error', async () => {
    await award(5)
    await runLedgerCheckpoint(servicesWith(60), new Date())
    const { id: altered } = await award(9)
    await t.db('ledger_postings').where({ transaction_id: altered }).where('amount', '>', 0).update({ amount: 90 })
    await t.db('ledger_postings').where({ transaction_id: altered }).where('amount', '<', 0).update({ amount: -90 })

    expect(await runLedgerCheckpoint(servicesWith(60), new Date())).toEqual({ processed: 0 })
    expect(lines()).toHaveLength(1)
    const error = logged.find((l) => l.level === 50)
    expect(error?.msg).toMatch(/no checkpoint written/)
    expect(Number(error?.count)).toBeGreaterThan(0)
  })

  it('does nothing when the interval is 0', async () => {
    await award(5)
    expect(await runLedgerCheckpoint(servicesWith(0), new Date())).toEqual({ processed: 0 })
    expect((await readCheckpoints(file)).latest).toBeNull()
  })
})
