import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileReport } from '../testing/cases'
import { startTestServer, type TestServer } from '../testing/server'
import { caseEventsRepo } from './caseActivity'

/**
 * Time order comes from the time columns, never from auto-increment ids: a multi-primary cluster hands ids out
 * in interleaved lanes (auto_increment_increment) and a distributed engine does not keep them monotonic, so a
 * row written later may carry the smaller id.
 */
describe('time order of case timelines and lists', () => {
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

  it('pages 我的诉求 and the staff inbox newest first by filing time, each case once, whatever ids the cases got', async () => {
    const resident = await s.make.resident()
    const ids: number[] = []
    for (let i = 0; i < 5; i++) {
      const filed = await fileReport(s, resident.token)
      expect(filed.status).toBe(201)
      ids.push(filed.body.case.id as number)
    }
    // As a cluster's lanes would have it, ids do not follow filing time: here the case with the second id was
    // filed last and the one with the largest id second.
    const db = s.database.db
    const base = Date.now() - 60 * 60_000
    const minutesIn = [0, 40, 20, 30, 10]
    for (let i = 0; i < ids.length; i++) await db('cases').where({ id: ids[i] }).update({ created_at: new Date(base + minutesIn[i]! * 60_000) })
    const newestFirst = [1, 3, 2, 4, 0].map((i) => ids[i]!)
    expect(newestFirst).not.toEqual([...ids].reverse())

    const walk = async (path: string, token: string) => {
      const seen: number[] = []
      let cursor: string | null = null
      do {
        const res: { status: number; body: { items: { id: number }[]; next: string | null } } =
          await s.http.get(`${path}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token })
        expect(res.status).toBe(200)
        seen.push(...res.body.items.map((c) => c.id))
        cursor = res.body.next
      } while (cursor)
      return seen
    }
    expect(await walk('/api/my/cases', resident.token)).toEqual(newestFirst)
    const inbox = await walk('/api/staff/cases', await s.http.staffToken('centre'))
    expect(inbox.filter((id) => ids.includes(id))).toEqual(newestFirst)
    expect((await s.http.get('/api/my/cases?cursor=12345', { token: resident.token })).body.error.code).toBe('VALIDATION_FAILED')
  })
})
