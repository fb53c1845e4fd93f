import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverOutbox } from '../../server/src/jobs/deliverOutbox'
import { act, fileReport } from '../../server/src/testing/cases'
import { startFakeGridPlatform, type FakeGridPlatform } from '../../server/src/testing/fakeGridPlatform'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium } from '../support/browser'
import { saveScreen } from '../support/screens'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')

/**
 * A resident files a report, staff accept it, and the resident's 首页 shows the notice with a badge on the tab;
 * staff see their 待办 with deadlines; an administrator replays a dead letter from the workbench.
 */
describe('h5 notices in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let platform: FakeGridPlatform

  beforeAll(async () => {
    platform = await startFakeGridPlatform()
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD, GRID_PLATFORM_MAX_ATTEMPTS: '1' } })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await platform?.close()
  })

  const phone = async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    return { page, errors, close: () => context.close() }
  }
  const staffLogin = async (page: Page, username: string, greeting: string) => {
    await page.goto(server.url)
    await page.locator('#staff-username input').fill(username)
    await page.locator('#staff-password input').fill('anju-demo-2026')
    await page.locator('#staff-login').click()
    await expect.poll(() => page.getByText(greeting).isVisible(), { timeout: 15_000 }).toBe(true)
  }
  const badge = (page: Page) => page.locator('.taro-tabbar-badge')

  it('shows the resident the notice of an accepted report, with a badge on the 首页 tab', { timeout: 120_000 }, async () => {
    const { page, errors, close } = await phone()
    await page.goto(server.url)
    await page.locator('#dev-handle input').fill('notice-reader')
    await page.locator('#dev-login').click()
    await expect.poll(() => page.getByText('你好，notice-reader').isVisible(), { timeout: 15_000 }).toBe(true)
    await expect.poll(() => page.getByText('暂无通知').isVisible(), { timeout: 15_000 }).toBe(true)
    expect(await badge(page).count()).toBe(0)

    // The same resident's report, accepted by community staff; the worker delivers the notice.
    const resident = await server.http.residentToken('notice-reader')
    const filed = await fileReport(server, resident, { text: '小区门口的路灯坏了一个多星期' })
    expect(filed.status).toBe(201)
    const c = filed.body.case
    expect((await act(server, await server.http.staffToken('staff'), c.id, { action: 'accept' })).status).toBe(200)
    await deliverOutbox(server.app.services, new Date())

    await page.reload()
    await expect.poll(() => page.locator('#notices-unread').textContent(), { timeout: 15_000 }).toBe('1 条未读')
    await expect.poll(() => badge(page).textContent(), { timeout: 10_000 }).toBe('1')
    const notice = page.locator('[id^=notice-]').first()
    expect(await notice.textContent()).toContain('诉求已受理')
    expect(await notice.textContent()).toContain(c.number)
    await saveScreen(page, 'home-notice')

    // Tapping it opens the case, and the notice is read.
    await notice.click()
    await expect.poll(() => page.locator('#case-status').textContent(), { timeout: 15_000 }).toBe('已受理')
    await page.goBack()
    await expect.poll(() => page.locator('#notices-unread').count(), { timeout: 15_000 }).toBe(0)
    await expect.poll(() => badge(page).count(), { timeout: 10_000 }).toBe(0)
    expect(errors).toEqual([])
    await close()
  })

  it('shows community staff their 待办 with counts and deadlines', { timeout: 120_000 }, async () => {
    await fileReport(server, await server.http.residentToken(), { kind: 'hazard', categoryCode: 'fire_safety', text: '楼道里堆满纸箱，挡住了消防通道' })
    const { page, errors, close } = await phone()
    await staffLogin(page, 'staff', '你好，幸福里社区 王敏')
    await page.locator('.weui-tabbar__label').filter({ hasText: /^我的$/ }).click()
    await page.locator('#workbench-entry').click()
    await expect.poll(() => page.locator('#todo-awaiting').textContent(), { timeout: 15_000 }).toMatch(/^\d+待受理$/)
    const items = page.locator('[id^=todo-]').filter({ has: page.locator('.todo-item__due') })
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBeGreaterThan(0)
    expect(await items.first().locator('.todo-item__due').textContent()).toMatch(/^受理(还剩|已超期) /)
    await saveScreen(page, 'workbench-todo')
    // The first is the one whose deadline is nearest: the red hazard's hour to respond.
    expect(await items.first().textContent()).toContain('消防安全')
    expect(errors).toEqual([])
    await close()
  })

  it('lets an administrator replay a dead letter', { timeout: 120_000 }, async () => {
    const admin = await server.http.staffToken('admin')
    const hp = await server.database.db('regions').where({ code: 'XT-YT-JSL-HP' }).first()
    expect((await server.http.post('/api/admin/grid-platforms', { regionId: hp.id, name: '和平社区平台', url: platform.url, secret: platform.secret }, { token: admin })).status).toBe(201)
    platform.script.push('reject')
    const c = (await fileReport(server, await server.http.residentToken(), { location: { lat: 27.854, lng: 112.944, address: '和平社区 3 栋' } })).body.case
    await deliverOutbox(server.app.services, new Date())
    const dead = await server.database.db('outbox_messages').where({ case_id: c.id, destination: 'grid_platform' }).first()
    expect(dead.status).toBe('dead')

    const { page, errors, close } = await phone()
    await staffLogin(page, 'admin', '你好，')
    await page.locator('.weui-tabbar__label').filter({ hasText: /^我的$/ }).click()
    await page.locator('#workbench-entry').click()
    await page.locator('#wb-dead-letters').click()
    await expect.poll(() => page.locator(`#dead-${dead.id}`).isVisible(), { timeout: 15_000 }).toBe(true)
    expect(await page.locator(`#dead-${dead.id}`).textContent()).toContain(`案件 ${c.number}`)
    expect(await page.locator(`#dead-${dead.id}`).textContent()).toContain('HTTP 400')
    await saveScreen(page, 'dead-letters')
    await page.locator(`#replay-${dead.id}`).click()
    await expect.poll(async () => (await server.database.db('outbox_messages').where({ id: dead.id }).first()).status, { timeout: 15_000 }).toBe('pending')
    await expect.poll(() => page.locator(`#dead-${dead.id}`).count(), { timeout: 15_000 }).toBe(0)
    await deliverOutbox(server.app.services, new Date())
    expect((await server.database.db('outbox_messages').where({ id: dead.id }).first()).status).toBe('delivered')
    expect(errors).toEqual([])
    await close()
  })
})
