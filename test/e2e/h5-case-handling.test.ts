import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../server/src/db/seeds/demo'
import { fileReport, jpegWithGps, uploadPhoto } from '../../server/src/testing/cases'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium } from '../support/browser'
import { pickOption } from '../support/taro'
import { saveScreen } from '../support/screens'
import { isUsableButton, lookOf, type ControlLook } from '../support/visual'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')

/** Every control matched is there, visible, legible and not styled as disabled; the figures in the message if not. */
async function expectUsable(page: Page, selector: string, count: number) {
  await expect.poll(() => page.locator(selector).count(), { timeout: 15_000 }).toBe(count)
  const looks: ControlLook[] = await lookOf(page.locator(selector))
  for (const look of looks) expect(isUsableButton(look), JSON.stringify(look)).toBe(true)
}

/** How many of these images have really loaded (a broken link has no natural width). */
const loadedImages = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((els) => els.filter((e: any) => e.complete && e.naturalWidth > 0).length)

/**
 * A case from report to rating, through the hands that work it: staff decide with the resident's photo, the
 * place and the deadline in front of them, the grid worker's after-photo is there before anyone verifies, and
 * every button on the way can be seen and pressed.
 */
describe('handling a case in the h5 build', () => {
  let server: TestServer
  let browser: Browser
  let caseId: number
  let residentToken: string
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-h5-handling-'))

  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD, UPLOAD_DIR: uploadDir } })
    browser = await launchChromium()
    residentToken = await server.http.residentToken('casereporter')
    const photo = await uploadPhoto(server, residentToken, await jpegWithGps())
    const filed = await fileReport(server, residentToken, {
      categoryCode: 'facility_damage', text: '小区东门路灯倒伏，电线外露，孩子放学经过很危险',
      location: { lat: 27.8612, lng: 112.9390, address: '幸福里小区东门' }, photoIds: [photo.body.id],
    })
    caseId = filed.body.case.id
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    fs.rmSync(uploadDir, { recursive: true, force: true })
  })

  async function staffPhone(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    const page = await context.newPage()
    page.on('pageerror', (err) => console.error('page error:', err.message))
    await page.goto(server.url)
    await page.locator('#staff-username input').fill(username)
    await page.locator('#staff-password input').fill(DEMO_PASSWORD)
    await page.locator('#staff-login').click()
    await expect.poll(() => page.locator('.home__hello').isVisible(), { timeout: 15_000 }).toBe(true)
    return page
  }

  const openCase = async (page: Page) => {
    await page.goto(`${server.url}/#/packages/workbench/pages/case/index?id=${caseId}`)
    await expect.poll(() => page.locator('#wb-case-status').isVisible(), { timeout: 15_000 }).toBe(true)
  }

  it('shows the resident a form whose buttons can be seen and pressed', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.locator('#dev-handle input').fill('formlooker')
    await page.locator('#dev-login').click()
    await expect.poll(() => page.locator('.home__hello').isVisible(), { timeout: 15_000 }).toBe(true)
    await saveScreen(page, 'home')
    await page.goto(`${server.url}/#/packages/report/pages/new/index?kind=violation`)
    await expectUsable(page, '#report-submit, #report-locate', 2)
    // The add-photo tile is not a <button>, but must read as one.
    const [tile] = await lookOf(page.locator('#report-add-photo'))
    expect(tile!.shapeContrast, JSON.stringify(tile)).toBeGreaterThanOrEqual(1.2)
    expect(await page.locator('#report-add-photo').textContent()).toContain('添加照片')
    await saveScreen(page, 'report-form')
    await context.close()
  })

  it('gives staff the photo, the place, the deadline and the times before they decide', { timeout: 120_000 }, async () => {
    const page = await staffPhone('staff')
    await page.goto(`${server.url}/#/packages/workbench/pages/cases/index`)
    const card = page.locator(`#case-${caseId}`)
    await expect.poll(() => card.isVisible(), { timeout: 15_000 }).toBe(true)
    // The inbox counts the response deadline down (公共设施损坏: 12 hours to respond).
    expect(await card.locator('.case-deadlines__row--response').textContent()).toMatch(/^受理时限剩 1[12] 小时/)
    await saveScreen(page, 'workbench-inbox')

    await card.click()
    await expect.poll(() => page.locator('#wb-case-status').textContent(), { timeout: 15_000 }).toBe('待受理')
    await expect.poll(() => loadedImages(page, '.wb-case__photos img'), { timeout: 15_000 }).toBe(1)
    expect(await page.locator('.case-deadlines__row--response').filter({ visible: true }).textContent()).toMatch(/^受理时限\d{4}-\d\d-\d\d \d\d:\d\d剩 1[12] 小时/)
    expect(await page.locator('.case-deadlines__row--resolve').filter({ visible: true }).textContent()).toMatch(/^办结时限\d{4}-\d\d-\d\d \d\d:\d\d$/)
    await expect.poll(() => page.locator('.place-map--drawn .place-map__area--selected').count(), { timeout: 10_000 }).toBe(1)
    expect(await page.locator('.place-map--drawn .place-map__pin').count()).toBe(1)
    expect(await page.locator('#wb-case-address').textContent()).toBe('幸福里小区东门')
    expect(await page.locator('.wb-case__event-head').first().textContent()).toMatch(/^提交 · casereporter\d{4}-\d\d-\d\d \d\d:\d\d$/)
    await expectUsable(page, '#wb-action-accept, #wb-action-reject, #wb-action-escalate, #wb-regrade', 4)
    await saveScreen(page, 'workbench-case-submitted')

    await page.locator('#wb-action-accept').click()
    await expect.poll(() => page.locator('#wb-case-status').textContent(), { timeout: 15_000 }).toBe('已受理')
    await expectUsable(page, '#wb-action-dispatch', 1)
    await page.locator('#wb-worker').click()
    await pickOption(page, '网格员 张伟（幸福里第一网格）')
    await page.locator('#wb-action-dispatch').click()
    await expect.poll(() => page.locator('#wb-case-status').textContent(), { timeout: 15_000 }).toBe('已派单')
    await page.context().close()
  })

  it('lets staff turn a report down as a repeat of another case, which links the two', { timeout: 120_000 }, async () => {
    const original = (await server.database.db('cases').where({ id: caseId }).first()).number as string
    const repeat = (await fileReport(server, await server.http.residentToken('repeater'), {
      categoryCode: 'facility_damage', text: '东门的路灯倒了，电线露在外面', location: { lat: 27.8612, lng: 112.9390, address: '幸福里小区东门' },
    })).body.case
    const page = await staffPhone('staff')
    await page.goto(`${server.url}/#/packages/workbench/pages/case/index?id=${repeat.id}`)
    await expect.poll(() => page.locator('#wb-case-status').textContent(), { timeout: 15_000 }).toBe('待受理')
    await page.locator('#wb-note input').fill('同一处路灯，已在办理')
    await page.locator('#wb-duplicate-of input').fill('999999-9999')
    await page.locator('#wb-action-reject').click()
    await expect.poll(() => page.locator('#wb-action-error').textContent(), { timeout: 10_000 }).toBe('没有找到重复的原案件')
    await page.locator('#wb-duplicate-of input').fill(original)
    await saveScreen(page, 'workbench-reject-duplicate')
    await page.locator('#wb-action-reject').click()
    await expect.poll(() => page.locator('#wb-case-status').textContent(), { timeout: 15_000 }).toBe('不予受理')
    const row = await server.database.db('cases').where({ id: repeat.id }).first()
    expect(row.related_case_id).toBe(caseId)
    expect(await page.locator('.wb-case__note').allTextContents()).toContain(`与 ${original} 重复：同一处路灯，已在办理`)
    await page.context().close()
  })

  it('lets the grid worker attach the after-photo, which staff see before they verify', { timeout: 120_000 }, async () => {
    const grid = await staffPhone('grid')
    await openCase(grid)
    await grid.locator('#wb-action-start').click()
    await expect.poll(() => grid.locator('#wb-case-status').textContent(), { timeout: 15_000 }).toBe('处置中')
    await expectUsable(grid, '#wb-add-photo, #wb-action-resolve', 2)
    const chooser = grid.waitForEvent('filechooser')
    await grid.locator('#wb-add-photo').click()
    await (await chooser).setFiles({ name: 'after.jpg', mimeType: 'image/jpeg', buffer: await jpegWithGps() })
    await expect.poll(() => grid.locator('#wb-add-photo').textContent(), { timeout: 15_000 }).toBe('已添加 1 张现场照片，继续添加')
    await grid.locator('#wb-note input').fill('已扶正路灯并包扎线头，电力公司明日更换灯杆')
    await saveScreen(grid, 'workbench-case-resolving')
    await grid.locator('#wb-action-resolve').click()
    await expect.poll(() => grid.locator('#wb-case-status').textContent(), { timeout: 15_000 }).toBe('已处置')
    await grid.context().close()

    const staff = await staffPhone('staff')
    await openCase(staff)
    const resolved = staff.locator('.wb-case__event').filter({ hasText: '处置完成' })
    await expect.poll(() => loadedImages(staff, '.wb-case__event .case-photos__item img'), { timeout: 15_000 }).toBe(1)
    expect(await resolved.textContent()).toContain('已扶正路灯并包扎线头')
    await expectUsable(staff, '#wb-action-verify', 1)
    await saveScreen(staff, 'workbench-case-resolved')
    await staff.locator('#wb-action-verify').click()
    await expect.poll(() => staff.locator('#wb-case-status').textContent(), { timeout: 15_000 }).toBe('已核查')
    await staff.context().close()
  })

  it('asks the resident to rate with two buttons that look like buttons', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.locator('#dev-handle input').fill('casereporter')
    await page.locator('#dev-login').click()
    await expect.poll(() => page.locator('.home__hello').isVisible(), { timeout: 15_000 }).toBe(true)
    await page.goto(`${server.url}/#/packages/report/pages/detail/index?id=${caseId}`)
    await expectUsable(page, '#rate-satisfied, #rate-unsatisfied', 2)
    await expect.poll(() => loadedImages(page, '.case-photos__item img'), { timeout: 15_000 }).toBe(2)
    await saveScreen(page, 'case-rating')
    await page.locator('#rate-satisfied').click()
    await expect.poll(() => page.locator('#case-status').textContent(), { timeout: 15_000 }).toBe('已办结')
    await context.close()
  })
})
