import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { regionsRepo } from '../../repositories/regions'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

const DAY_MS = 24 * 60 * 60 * 1000

/** Moving between communities: a reason, a cool-down, and community rewards only for those who live there. */
describe.each(testDatabaseKinds())('changing community on %s', (kind) => {
  let s: TestServer
  let xfl: number
  let hp: number
  beforeAll(async () => {
    s = await startTestServer(kind)
    xfl = await s.make.regionId('XT-YT-JSL-XFL')
    hp = await s.make.regionId('XT-YT-JSL-HP')
  })
  afterAll(async () => {
    await s?.close()
  })

  const setCommunity = (token: string, body: object) => s.http.post('/api/me/community', body, { token })
  const redeem = (token: string, rewardId: number) => s.http.post(`/api/rewards/${rewardId}/redeem`, undefined, { token })

  it('lets a resident choose a first community freely, and redeem its rewards at once', async () => {
    const token = await s.http.residentToken('first-choice')
    const chosen = await setCommunity(token, { regionId: hp })
    expect(chosen.status).toBe(200)
    expect(chosen.body.region.id).toBe(hp)
    const me = (await s.http.get('/api/me', { token })).body
    await s.make.givePoints(me.id, 20, 'XT-YT-JSL-HP')
    const rewardId = await s.make.reward({ community: 'XT-YT-JSL-HP', cost: 10 })
    expect((await redeem(token, rewardId)).status).toBe(201)
  })

  it('does not let a resident move, redeem the new community\'s own rewards and move on', async () => {
    const resident = await s.make.resident('XT-YT-JSL-XFL')
    await s.make.givePoints(resident.id, 100)
    const hpReward = await s.make.reward({ community: 'XT-YT-JSL-HP', cost: 10 })
    const cityReward = await s.make.reward({ community: 'XT', cost: 10 })

    // Moving needs a reason.
    const noReason = await setCommunity(resident.token, { regionId: hp })
    expect(noReason.status).toBe(400)
    expect(noReason.body.error.details.fields[0].path).toBe('reason')
    expect((await s.http.get('/api/me', { token: resident.token })).body.region.id).toBe(xfl)

    const moved = await setCommunity(resident.token, { regionId: hp, reason: '搬家到和平社区' })
    expect(moved.status).toBe(200)
    expect(moved.body.region.id).toBe(hp)
    const history = await s.database.db('community_changes').where({ user_id: resident.id })
    expect(history).toHaveLength(1)
    expect(history[0]).toMatchObject({ from_region_id: xfl, to_region_id: hp, reason: '搬家到和平社区' })

    // The new community's own rewards wait until the resident has lived there long enough; city-wide ones do not.
    const refused = await redeem(resident.token, hpReward)
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('REWARD_RESIDENCE_REQUIRED')
    expect(refused.body.error.message).toMatch(/30 天/)
    const listed = (await s.http.get(`/api/rewards/${hpReward}`, { token: resident.token })).body
    expect(listed.unavailableReason).toMatch(/30 天/)
    expect((await redeem(resident.token, cityReward)).status).toBe(201)

    // And moving again straight away is refused.
    const again = await setCommunity(resident.token, { regionId: xfl, reason: '又搬回去了' })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('COMMUNITY_CHANGE_TOO_SOON')
    expect(new Date(again.body.error.details.nextChangeAt).getTime()).toBeGreaterThan(Date.now() + 29 * DAY_MS)
    expect((await s.http.get('/api/me', { token: resident.token })).body.region.id).toBe(hp)
    expect(await s.database.db('community_changes').where({ user_id: resident.id })).toHaveLength(1)

    // Thirty-one days later both are possible.
    await s.database.db('users').where({ id: resident.id }).update({ community_since: new Date(Date.now() - 31 * DAY_MS) })
    expect((await redeem(resident.token, hpReward)).status).toBe(201)
    expect((await setCommunity(resident.token, { regionId: xfl, reason: '又搬回去了' })).status).toBe(200)
  })

  it('takes one of two simultaneous moves', async () => {
    const street = (await regionsRepo.findByCode(s.database.db, 'XT-YT-JSL'))!
    const third = await regionsRepo.insert(s.database.db, { parent: street, level: 'community', name: '光明社区', code: 'XT-YT-JSL-GM' })
    const resident = await s.make.resident('XT-YT-JSL-XFL')
    const answers = await Promise.all([
      setCommunity(resident.token, { regionId: hp, reason: '搬家' }),
      setCommunity(resident.token, { regionId: third.id, reason: '搬家了' }),
    ])
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409])
    expect(await s.database.db('community_changes').where({ user_id: resident.id })).toHaveLength(1)
  })
})
