import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileReport } from '../../server/src/testing/cases'
import { testDatabaseKinds } from '../../server/src/testing/databases'
import { startTestServer, type TestServer } from '../../server/src/testing/server'

/** Rate limits are counted under a lock: a burst from one resident gets exactly the limit through. */
describe.each(testDatabaseKinds())('report rate limits under concurrency on %s', (kind) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(kind, { env: { REPORTS_PER_HOUR: '10', REPORTS_PER_DAY: '30' } })
  })
  afterAll(async () => {
    await s?.close()
  })

  it('accepts exactly 10 of 30 simultaneous reports from one resident', async () => {
    const resident = await s.make.resident()
    const answers = await Promise.all(Array.from({ length: 30 }, () => fileReport(s, resident.token)))
    const accepted = answers.filter((a) => a.status === 201)
    const limited = answers.filter((a) => a.status === 429)
    expect(accepted).toHaveLength(10)
    expect(limited).toHaveLength(20)
    for (const a of limited) expect(a.body.error.code).toBe('RATE_LIMITED')
    const cases = await s.database.db('cases').where({ reporter_id: resident.id }).count({ n: '*' }).first()
    expect(Number(cases!.n)).toBe(10)
  }, 120_000)

  it('counts each resident apart: another resident is not held back by the first', async () => {
    const other = await s.make.resident()
    const answer = await fileReport(s, other.token)
    expect(answer.status).toBe(201)
  })
})
