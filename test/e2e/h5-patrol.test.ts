import { randomUUID } from 'node:crypto'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { gcj02ToWgs84, wgs84ToGcj02 } from '@anju/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awardsRepo } from '../../server/src/repositories/awards'
import { demoRoute, type DemoRoute } from '../../server/src/testing/patrolFlow'
import { movableClock, type MovableClock } from '../../server/src/testing/clock'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium } from '../support/browser'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')

/**
 * What Chromium should report (WGS-84) for the phone to be at this GCJ-02 point, where checkpoints are stored:
 * the h5 adapter converts the browser's position to GCJ-02.
 */
function browserAt(lat: number, lng: number, accuracy: number) {
  const [latitude, longitude] = gcj02ToWgs84(lat, lng)
  return { latitude, longitude, accuracy }
}

/** The live patrol in the h5 build: start, check in with typed codes at each checkpoint, finish, see the record. */
describe('h5 patrol in Chromium', () => {
  let server: TestServer
  let clock: MovableClock
  let browser: Browser
  let route: DemoRoute

  beforeAll(async () => {
    clock = movableClock()
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD }, clock })
    browser = await launchChromium()
    route = await demoRoute(server, await server.http.staffToken('staff'))
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('runs a patrol from the home tile to its judged record', { timeout: 120_000 }, async () => {
    const [first] = route.checkpoints
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 }, locale: 'zh-CN',
      geolocation: browserAt(first!.lat, first!.lng, 10), permissions: ['geolocation'],
    })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    await page.goto(server.url)
    await page.locator('#dev-handle input').fill('volunteer')
    await page.locator('#dev-login').click()
    await expect.poll(() => page.getByText('你好，演示志愿者').isVisible(), { timeout: 15_000 }).toBe(true)

    await page.locator('.quick-action--patrol').click()
    await expect.poll(() => page.getByText('幸福里夜巡路线').isVisible(), { timeout: 15_000 }).toBe(true)
    await page.locator('.patrol-start').first().click()
    // Recording the track is asked for once, apart from the privacy agreement.
    await expect.poll(() => page.getByText('巡逻位置授权').isVisible(), { timeout: 10_000 }).toBe(true)
    await page.getByText('同意', { exact: true }).click()
    await expect.poll(() => page.locator('#patrol-done').textContent(), { timeout: 15_000 }).toBe('0/5')
    expect(await page.locator('#patrol-elapsed').textContent()).toMatch(/^00:\d\d$/)

    await expect.poll(() => page.locator('#patrol-code input').isEditable(), { timeout: 15_000 }).toBe(true)
    for (const [i, checkpoint] of route.checkpoints.slice(0, 3).entries()) {
      await context.setGeolocation(browserAt(checkpoint.lat + 0.00005, checkpoint.lng, 8))
      await page.locator('#patrol-code input').fill(checkpoint.code)
      await page.locator('#patrol-check-in').click()
      await expect.poll(() => page.locator('#patrol-notice').textContent(), { timeout: 10_000 }).toBe(`签到成功：${checkpoint.name}`)
      await expect.poll(() => page.locator('#patrol-done').textContent()).toBe(`${i + 1}/5`)
    }
    // A code typed wrong gets the server's Chinese message.
    await page.locator('#patrol-code input').fill('not-a-code')
    await page.locator('#patrol-check-in').click()
    await expect.poll(() => page.locator('#patrol-notice').textContent(), { timeout: 10_000 }).toBe('签到编号不对或已更换，请核对检查点二维码下方的 8 位编号')

    // A hazard spotted on the way, reported from the live page.
    await page.locator('#patrol-hazard').click()
    await page.getByText('消防安全', { exact: true }).click()
    await page.locator('#hazard-text textarea').fill('幸福公园东侧消防栓被杂物遮挡')
    await page.locator('#hazard-submit').click()
    await expect.poll(() => page.locator('#patrol-notice').textContent(), { timeout: 10_000 }).toBe('隐患已上报，感谢您！')

    await page.locator('#patrol-finish').click()
    await page.getByText('确认结束').click()
    await expect.poll(() => page.locator('#patrol-judgement').isVisible(), { timeout: 15_000 }).toBe(true)
    // Minutes long in a browser test: judged, in Chinese, as too short.
    expect(await page.locator('#patrol-judgement').textContent()).toMatch(/^无效巡逻：.*巡逻时长 0 分钟，不足 20 分钟/)
    expect(await page.locator('#patrol-award').textContent()).toBe('积分：无积分')
    expect(await page.locator('svg.track-map--drawn circle').count()).toBe(5)

    const patrol = await server.database.db('patrols').orderBy('id', 'desc').first()
    expect(patrol).toMatchObject({ status: 'finished', checkpoints_done: 3 })
    const hazards = await server.database.db('patrol_hazard_reports').where({ patrol_id: patrol.id })
    expect(hazards.map((h) => Number(h.checkpoint_id))).toEqual([route.checkpoints[2]!.id])
    const track = await server.database.db('patrol_tracks').where({ patrol_id: patrol.id }).first()
    expect(track.point_count).toBeGreaterThan(0)
    expect(Number(await page.locator('svg.track-map--drawn').getAttribute('data-points'))).toBe(track.point_count)

    // 巡逻记录, opened afresh (a full load, not a hash change on the record page).
    await page.goto(`${server.url}/#/packages/patrol/pages/records/index`)
    await page.reload()
    await expect.poll(() => page.locator('.patrol-record').count(), { timeout: 15_000 }).toBe(1)
    expect(await page.locator('.patrol-record').first().textContent()).toContain('检查点 3/5')
    expect(errors).toEqual([])
    await context.close()
  })

  it('keeps track batches on the phone while uploads fail, and sends them all before finishing', { timeout: 120_000 }, async () => {
    const staffToken = await server.http.staffToken('staff')
    const token = await server.http.residentToken('walker')
    const applied = await server.http.post(`/api/patrol-teams/${route.teamId}/apply`, undefined, { token })
    await server.http.post(`/api/staff/patrol-memberships/${applied.body.id}/accept`, undefined, { token: staffToken })
    const [first] = route.checkpoints
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 }, locale: 'zh-CN',
      geolocation: browserAt(first!.lat, first!.lng, 10), permissions: ['geolocation'],
    })
    const page = await context.newPage()
    // Fixes come every 10 s, on the page's clock and the server's moved together.
    await page.clock.install({ time: clock.now() })
    await page.goto(server.url)
    await page.locator('#dev-handle input').fill('walker')
    await page.locator('#dev-login').click()
    await expect.poll(() => page.getByText('你好，walker').isVisible(), { timeout: 15_000 }).toBe(true)
    await page.goto(`${server.url}/#/packages/patrol/pages/start/index`)
    await page.locator('.patrol-start').first().click()
    await page.getByText('同意', { exact: true }).click()
    await expect.poll(() => page.locator('#patrol-done').textContent(), { timeout: 15_000 }).toBe('0/5')
    const patrol = await server.database.db('patrols').where({ status: 'running' }).orderBy('id', 'desc').first()
    await expect.poll(() => page.locator('#patrol-fixes').textContent(), { timeout: 15_000 }).toBe('1')

    // The network drops for track uploads: eight fixes, one batch sealed and kept.
    let refused = 0
    await page.route('**/api/patrols/*/track', (r) => {
      refused++
      return r.abort('internetdisconnected')
    })
    for (let i = 1; i <= 8; i++) {
      clock.advance(10_000)
      await page.clock.runFor(10_000)
      await context.setGeolocation(browserAt(first!.lat + i * 0.0001, first!.lng, 10))
      await expect.poll(() => page.locator('#patrol-fixes').textContent(), { timeout: 10_000 }).toBe(String(i + 1))
    }
    await expect.poll(() => refused, { timeout: 15_000 }).toBeGreaterThan(0)
    const kept = await page.evaluate(
      (key) => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(key),
      `anju.patrol.track.${patrol.id}`,
    )
    expect(JSON.parse(kept!).data.batches).toHaveLength(1)
    expect(await server.database.db('patrol_track_batches').where({ patrol_id: patrol.id }).count({ n: '*' }).first()).toMatchObject({ n: 0 })

    // Back online: finishing sends every kept fix first.
    await page.unroute('**/api/patrols/*/track')
    await page.locator('#patrol-finish').click()
    await page.getByText('确认结束').click()
    await expect.poll(() => page.locator('#patrol-judgement').isVisible(), { timeout: 20_000 }).toBe(true)
    const track = await server.database.db('patrol_tracks').where({ patrol_id: patrol.id }).first()
    expect(track.point_count).toBeGreaterThanOrEqual(9)
    expect(track.last_batch_seq).toBe(2)
    await context.close()
  })

  it('lets staff accept an application, see coverage, review the patrol and print the codes', { timeout: 120_000 }, async () => {
    const applicant = await server.http.residentToken('applicant')
    const applied = await server.http.post(`/api/patrol-teams/${route.teamId}/apply`, undefined, { token: applicant })
    expect(applied.status).toBe(201)
    // walker's patrol (the second test) was too short for points: give it a pending award to reject.
    const walked = await server.database.db('patrols').orderBy('id', 'desc').first()
    const awardId = randomUUID()
    await awardsRepo.insert(server.database.db, {
      id: awardId, region_id: walked.region_id, funding_region_id: walked.region_id, user_id: walked.user_id, kind: 'patrol',
      source_type: 'patrol', source_id: String(walked.id), points: 10, status: 'pending', reason: '有效巡逻', proposed_by: null,
    }, new Date())

    const context = await browser.newContext({
      viewport: { width: 390, height: 844 }, locale: 'zh-CN',
      geolocation: { latitude: 27.8611, longitude: 112.9433, accuracy: 5 }, permissions: ['geolocation'],
    })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    await page.goto(server.url)
    await page.locator('#staff-username input').fill('staff')
    await page.locator('#staff-password input').fill('anju-demo-2026')
    await page.locator('#staff-login').click()
    await expect.poll(() => page.getByText('你好，幸福里社区 王敏').isVisible(), { timeout: 15_000 }).toBe(true)
    await page.goto(`${server.url}/#/packages/workbench/pages/index/index`)
    await page.locator('#wb-patrols').click()

    await expect.poll(() => page.locator('.patrol-application').count(), { timeout: 15_000 }).toBe(1)
    expect(await page.locator('.patrol-application').textContent()).toContain('applicant')
    await page.locator('.application-accept').click()
    await expect.poll(() => page.locator('.patrol-application').count(), { timeout: 10_000 }).toBe(0)
    const membership = await server.database.db('patrol_memberships').where({ id: applied.body.id }).first()
    expect(membership.status).toBe('accepted')

    // The first test's volunteer checked in at three checkpoints today.
    const coverage = await page.locator('.coverage-row .patrol-row__meta').allTextContents()
    expect(coverage.slice(0, 5).map((t) => t.split(' · ')[0])).toEqual(['今日 1 次', '今日 1 次', '今日 1 次', '今日 0 次', '今日 0 次'])
    expect(await page.locator('.patrol-review').filter({ hasText: '演示志愿者' }).first().textContent()).toMatch(/演示志愿者 · 幸福里夜巡路线无效巡逻：.*无积分奖励/)

    // The pending award is rejected with a reason; the buttons give way to the outcome.
    const review = page.locator('.patrol-review').filter({ hasText: 'walker' }).first()
    expect(await review.locator('.award-approve').count()).toBe(1)
    await review.locator('.award-reject').click()
    await review.locator('.reject-form textarea').fill('轨迹不完整，未覆盖路线')
    await review.locator('.reject-form__confirm').click()
    await expect.poll(() => review.locator('.patrol-review__outcome').textContent(), { timeout: 10_000 }).toBe('已驳回：轨迹不完整，未覆盖路线')
    expect(await review.locator('.award-approve, .award-reject, .reject-form').count()).toBe(0)
    expect(await server.database.db('awards').where({ id: awardId }).first()).toMatchObject({ status: 'rejected', decision_note: '轨迹不完整，未覆盖路线' })

    // A new route walked on foot: a checkpoint added where the staff member stands, then another.
    await page.locator('.route-new').first().click()
    await page.locator('#route-name input').fill('幸福里白天路线')
    await page.locator('#checkpoint-name input').fill('东门岗亭')
    await page.locator('#checkpoint-add').click()
    await expect.poll(() => page.locator('.draft-checkpoint').count(), { timeout: 10_000 }).toBe(1)
    await context.setGeolocation({ latitude: 27.8622, longitude: 112.9441, accuracy: 5 })
    await page.locator('#checkpoint-name input').fill('西门岗亭')
    await page.locator('#checkpoint-add').click()
    await expect.poll(() => page.locator('.draft-checkpoint').count(), { timeout: 10_000 }).toBe(2)
    await page.locator('#route-save').click()
    await expect.poll(() => page.getByText('幸福里白天路线 · 检查点').isVisible(), { timeout: 10_000 }).toBe(true)
    const saved = await server.database.db('patrol_routes').where({ name: '幸福里白天路线' }).first()
    const points = await server.database.db('patrol_checkpoints').where({ route_id: saved.id }).orderBy('seq')
    // Chromium reported WGS-84; the checkpoints are stored in GCJ-02, about 600 m south-east here.
    const gcj = (lat: number, lng: number) => wgs84ToGcj02(lat, lng).map((x) => Number(x.toFixed(6)))
    expect(points.map((c) => [c.name, Number(Number(c.lat).toFixed(6)), Number(Number(c.lng).toFixed(6)), c.radius_m])).toEqual([
      ['东门岗亭', ...gcj(27.8611, 112.9433), 50], ['西门岗亭', ...gcj(27.8622, 112.9441), 50],
    ])

    await page.locator('.route-print').first().click()
    await expect.poll(() => page.locator('img[src^="blob:"]').count(), { timeout: 15_000 }).toBeGreaterThan(0)
    expect(errors).toEqual([])
    await context.close()
  })
})
