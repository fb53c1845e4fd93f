import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { gcj02ToWgs84 } from '@anju/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PATROL_CHECKPOINTS } from '../../server/src/db/seeds/patrols'
import { movableClock, type MovableClock } from '../../server/src/testing/clock'
import { demoRoute, type DemoRoute } from '../../server/src/testing/patrolFlow'
import { walkThrough } from '../../server/src/testing/patrolTracks'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium } from '../support/browser'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')
const SCREENS = path.resolve(import.meta.dirname, '../../test-results/screens')
const FIX_EVERY_MS = 10_000

/** What Chromium should report (WGS-84) for the phone to be at this GCJ-02 point. */
function browserAt(p: { lat: number; lng: number }, accuracy: number) {
  const [latitude, longitude] = gcj02ToWgs84(p.lat, p.lng)
  return { latitude, longitude, accuracy }
}

/** Seconds from the live page's 已巡逻 (mm:ss, or h:mm:ss). */
function elapsedSeconds(text: string | null): number {
  return (text ?? '').split(':').reduce((total, part) => total * 60 + Number(part), 0)
}

/** Whole minutes (rounded up) still to walk for the server's 20-minute minimum. */
const minutesLeft = (elapsedS: number) => Math.max(0, Math.ceil((20 * 60 - elapsedS) / 60))

/** A printed short code as a person might type it: case mixed, the hyphen a space or kept. */
function typedAsAPerson(shortCode: string, i: number): string {
  const mixed = [...shortCode].map((c, j) => ((i + j) % 2 ? c.toLowerCase() : c)).join('')
  return i % 2 ? mixed.replace('-', ' ') : mixed.replace('-', ' - ')
}

/**
 * A volunteer's whole patrol in the h5 build on a phone-sized screen, at the cadence a real one has: a fix every
 * 10 s for 25 minutes along the demo route, on Playwright's clock. The server runs on a clock moved forward
 * with the page's, so it judges the fix times, the batches' arrival and the duration by its real rules.
 */
describe('a volunteer’s 25-minute patrol in the h5 build', () => {
  let server: TestServer
  let clock: MovableClock
  let browser: Browser
  let route: DemoRoute

  beforeAll(async () => {
    clock = movableClock()
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD }, clock })
    browser = await launchChromium()
    route = await demoRoute(server, await server.http.staffToken('staff'))
    fs.mkdirSync(SCREENS, { recursive: true })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  /** Moves the server's clock and the page's by the same time; the page's timers fire on the way. */
  async function advance(page: Page, ms: number) {
    clock.advance(ms)
    await page.clock.runFor(ms)
  }

  /** A screenshot once the page is still: Taro's modal fades in and its page changes slide, in real time. */
  async function screenshot(page: Page, name: string) {
    // Evaluated as text: the tests are type-checked without the DOM library.
    await expect.poll(() => page.evaluate(`document.getAnimations().filter((a) => a.playState === 'running').length`)).toBe(0)
    await page.screenshot({ path: path.join(SCREENS, `${name}.png`) })
  }

  it('records the track as it walks, checks in by typed short codes, warns before an early finish, and is judged valid', { timeout: 240_000 }, async () => {
    // 1.47 km through the five checkpoints at a slow walk, half a minute at each: about 25 minutes.
    const walk = walkThrough([...DEMO_PATROL_CHECKPOINTS], { startMs: 0, speedMps: 1.05, pauseS: 30, intervalS: FIX_EVERY_MS / 1000, jitterM: 3 })
    expect(walk.endMs).toBeGreaterThan(25 * 60_000)
    expect(walk.endMs).toBeLessThan(26 * 60_000)

    const context: BrowserContext = await browser.newContext({
      viewport: { width: 390, height: 844 }, locale: 'zh-CN',
      geolocation: browserAt(walk.points[0]!, 8), permissions: ['geolocation'],
    })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    let trackUploads = 0
    page.on('response', (r) => {
      if (/\/api\/patrols\/\d+\/track$/.test(r.url()) && r.request().method() === 'POST' && r.status() === 200) trackUploads++
    })
    await page.clock.install({ time: clock.now() })

    await page.goto(server.url)
    await page.locator('#dev-handle input').fill('volunteer')
    await page.locator('#dev-login').click()
    await expect.poll(() => page.getByText('你好，演示志愿者').isVisible(), { timeout: 15_000 }).toBe(true)
    await page.locator('.quick-action--patrol').click()
    await expect.poll(() => page.getByText('幸福里夜巡路线').isVisible(), { timeout: 15_000 }).toBe(true)
    await page.locator('.patrol-start').first().click()
    // Recording the track is agreed to once, on this page.
    await expect.poll(() => page.getByText('巡逻位置授权').isVisible(), { timeout: 10_000 }).toBe(true)
    await page.getByText('同意', { exact: true }).click()
    await expect.poll(() => page.locator('#patrol-done').textContent(), { timeout: 15_000 }).toBe('0/5')
    const patrol = await server.database.db('patrols').where({ status: 'running' }).first()
    // The typed field says what to type.
    expect(await page.locator('#patrol-code input').getAttribute('placeholder')).toBe('检查点二维码下方的 8 位编号')
    expect(await page.locator('#patrol-shortfall').textContent()).toBe('还需再巡逻 20 分钟、再签到 3 个检查点、记录到巡逻轨迹（请允许使用位置信息）')

    // The first fix arrives as the live page starts watching.
    await expect.poll(() => page.locator('#patrol-fixes').textContent(), { timeout: 15_000 }).toBe('1')

    const checkIn = async (index: number, typed: string) => {
      const checkpoint = route.checkpoints[index]!
      await page.locator('#patrol-code input').fill(typed)
      await page.locator('#patrol-check-in').click()
      await expect.poll(() => page.locator('#patrol-notice').textContent(), { timeout: 10_000 }).toBe(`签到成功：${checkpoint.name}`)
    }
    // Checkpoints 1–3 by their short codes; 4 and 5 are passed by without checking in.
    const plannedCheckIns = new Map(
      [0, 1, 2].map((i) => [walk.points.findIndex((p) => p.t >= walk.arrivals[i]!), i] as const),
    )
    let warned = false
    for (let i = 0; i < walk.points.length; i++) {
      if (i > 0) {
        await advance(page, FIX_EVERY_MS)
        await context.setGeolocation(browserAt(walk.points[i]!, 8))
        await expect.poll(() => page.locator('#patrol-fixes').textContent(), { timeout: 10_000 }).toBe(String(i + 1))
      }
      const checkpoint = plannedCheckIns.get(i)
      if (checkpoint !== undefined) {
        await checkIn(checkpoint, typedAsAPerson(route.checkpoints[checkpoint]!.shortCode, checkpoint))
        await expect.poll(() => page.locator('#patrol-done').textContent(), { timeout: 10_000 }).toBe(`${checkpoint + 1}/5`)
      }

      // Eight minutes in, two checkpoints done: the live page and the finish confirmation say what is missing.
      if (!warned && walk.points[i]!.t >= 8 * 60_000) {
        warned = true
        // The page's clock also runs on by itself while the test drives it (more on a busy machine), so the
        // minutes left are checked against the elapsed time the page shows.
        const elapsedBefore = elapsedSeconds(await page.locator('#patrol-elapsed').textContent())
        const shortfall = (await page.locator('#patrol-shortfall').textContent())!
        const elapsedAfter = elapsedSeconds(await page.locator('#patrol-elapsed').textContent())
        const left = Number(/^还需再巡逻 (\d+) 分钟/.exec(shortfall)?.[1])
        expect([minutesLeft(elapsedBefore), minutesLeft(elapsedAfter)]).toContain(left)
        // Twelve minutes left, or thirteen when the page's patrol began a moment after the walk's first fix.
        expect(left).toBeLessThanOrEqual(13)
        expect(shortfall).toBe(`还需再巡逻 ${left} 分钟、再签到 1 个检查点`)
        await page.evaluate('window.scrollTo(0, 0)')
        await screenshot(page, 'patrol-live-warning')
        await page.locator('#patrol-finish').click()
        // The same shortfall, a minute less at most if one ticked over meanwhile.
        const confirmation = page.getByText(new RegExp(`^有效巡逻还需再巡逻 (${left}|${left - 1}) 分钟、再签到 1 个检查点。现在结束将判定为无效巡逻，不能获得积分。确定结束吗？$`))
        await expect.poll(() => confirmation.isVisible(), { timeout: 10_000 }).toBe(true)
        await screenshot(page, 'patrol-finish-warning')
        await page.getByText('继续巡逻', { exact: true }).click()
        await expect.poll(() => confirmation.isVisible()).toBe(false)
        // Batches went up while walking: no waiting for the finish.
        const batches = await server.database.db('patrol_track_batches').where({ patrol_id: patrol.id })
        expect(batches.length).toBeGreaterThanOrEqual(Math.floor(i / 6) - 1)
        expect((await server.database.db('patrols').where({ id: patrol.id }).first()).status).toBe('running')
      }
    }
    expect(warned).toBe(true)
    expect(await page.locator('#patrol-done').textContent()).toBe('3/5')
    expect(elapsedSeconds(await page.locator('#patrol-elapsed').textContent())).toBeGreaterThanOrEqual(25 * 60)
    await expect.poll(() => page.locator('#patrol-shortfall').textContent()).toBe('已满足有效巡逻的要求，可以结束巡逻')
    await screenshot(page, 'patrol-live-ready')
    // Every full batch was sent on the way, each once.
    const fullBatches = Math.floor(walk.points.length / 6)
    await expect.poll(async () => (await server.database.db('patrol_track_batches').where({ patrol_id: patrol.id })).length).toBe(fullBatches)
    await expect.poll(() => trackUploads).toBe(fullBatches)

    await advance(page, 5_000)
    await page.locator('#patrol-finish').click()
    await expect.poll(() => page.getByText('已满足有效巡逻的要求。结束后将提交轨迹并判定本次巡逻，确定结束吗？').isVisible(), { timeout: 10_000 }).toBe(true)
    await screenshot(page, 'patrol-finish-confirm')
    await page.getByText('确认结束', { exact: true }).click()
    await expect.poll(() => page.locator('#patrol-judgement').isVisible(), { timeout: 20_000 }).toBe(true)
    expect(await page.locator('#patrol-judgement').textContent()).toBe('有效巡逻')
    // On screen, not sliding in from the side.
    await expect.poll(async () => (await page.locator('#patrol-judgement').boundingBox())?.x, { timeout: 10_000 }).toBeLessThan(60)
    expect(await page.locator('#patrol-award').textContent()).toBe('积分：10 积分（待审核）')
    await screenshot(page, 'patrol-record-valid')

    const judged = await server.database.db('patrols').where({ id: patrol.id }).first()
    const judgement = JSON.parse(judged.judgement)
    expect(judgement).toMatchObject({ valid: true, rewardable: true, reasons: [], checkpointsDone: 3, checkpointsTotal: 5, pointCount: walk.points.length })
    expect(judgement.durationS).toBeGreaterThanOrEqual(25 * 60)
    expect(judgement.distanceM).toBeGreaterThan(1400)
    expect(judgement.maxSpeedKmh).toBeLessThan(10)
    const track = await server.database.db('patrol_tracks').where({ patrol_id: patrol.id }).first()
    expect(track.point_count).toBe(walk.points.length)
    const awards = await server.database.db('awards').where({ source_type: 'patrol', source_id: String(patrol.id) })
    expect(awards.map((a) => [a.status, a.points])).toEqual([['pending', 10]])
    expect(errors).toEqual([])
    await context.close()
  })
})
