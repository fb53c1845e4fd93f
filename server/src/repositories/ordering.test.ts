import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileReport } from '../testing/cases'
import { startTestServer, type TestServer } from '../testing/server'
import { caseEventsRepo } from './caseActivity'

/**
 * Time order comes from the time columns, never from auto-increment ids: a multi-primary cluster hands ids out
 * in interleaved lanes (auto_increment_increment) and a distributed engine does not keep them monotonic, so a
 * row written later may carry the smaller id.
 */
describe('time order of a case timeline', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer('sqlite')
  })
  afterAll(async () => {
    await s?.close()
  })

  it('lists a case\'s events by when they happened, whatever ids they were given', async () => {
    const resident = await s.make.resident()
    const filed = await fileReport(s, resident.token)
    expect(filed.status).toBe(201)
    const caseId = filed.body.case.id as number
    const [submitted] = await caseEventsRepo.listForCase(s.database.db, caseId)
    // Written on another node a moment before the submission committed there, it got a larger id from its lane.
    const earlier = new Date(submitted!.created_at.getTime() - 5_000)
    await s.database.db('case_events').insert({
      id: submitted!.id + 1000, case_id: caseId, kind: 'follow', actor_id: resident.id, actor_role: 'resident', note: null, photo_ids: '[]', created_at: earlier,
    })
    const events = await caseEventsRepo.listForCase(s.database.db, caseId)
    expect(events.map((e) => e.created_at.getTime())).toEqual([earlier.getTime(), submitted!.created_at.getTime()])
  })
})
