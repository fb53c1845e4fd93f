import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { act, fileReport } from '../../server/src/testing/cases'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium, openPhone } from '../support/browser'
import { saveScreen } from '../support/screens'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')

/** The browser globals the page functions use (tests compile without the DOM library; types only). */
type InPage = {
  getComputedStyle(el: unknown): { fontSize: string }
  document: { documentElement: { classList: { contains(name: string): boolean } } }
  visualViewport?: { scale: number }
}

/** 长辈模式 multiplies every size by this (styles/legibility.scss). */
const ELDER_SCALE = 1.3

/**
 * Type an older resident can read, on the h5 build at 390×844 against the real server: no chip or tab label
 * under 12 px, pinch zoom allowed, and 长辈模式 — switched on in 我的, kept on this device across a reload —
 * making every text 1.3 times larger and the home page a column of big buttons. Screens of both modes are
 * kept under test-results/screens. The tests share one server and one phone, and run in order.
 */
describe('legible type and 长辈模式, in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let caseId = 0
  /** Computed font sizes (CSS px) in the standard mode, by probe. */
  const standard = new Map<string, number>()

  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD } })
    browser = await launchChromium()
    // Two cases of the demo resident, one already accepted, so the list and a case file have something to show.
    const demo = await server.http.residentToken('demo')
    const first = await fileReport(server, demo, { text: '小区东门路灯坏了一个多星期，晚上很黑' })
    caseId = (await fileReport(server, demo)).body.case.id
    const staff = await server.http.staffToken('staff')
    expect((await act(server, staff, first.body.case.id, { action: 'accept', note: '已受理' })).status).toBe(200)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const tab = (label: string) => page.locator('.weui-tabbar__label').filter({ hasText: new RegExp(`^${label}$`) })
  const shown = (selector: string) => page.locator('.taro_page').filter({ visible: true }).locator(selector).first()
  /** The computed font size of the first visible match, in CSS px. */
  const fontPx = async (selector: string) => {
    const target = selector.startsWith('.weui-tabbar') ? page.locator(selector).first() : shown(selector)
    await expect.poll(() => target.isVisible(), { timeout: 10_000 }).toBe(true)
    return target.evaluate((el) => parseFloat((globalThis as unknown as InPage).getComputedStyle(el).fontSize))
  }
  const shot = (name: string) => saveScreen(page, name)

  async function openCase() {
    await tab('我的诉求').click()
    await shown(`#case-${caseId}`).click()
    // The case's own page (its description and timeline), not the list behind it, which shows the same words.
    await expect.poll(() => shown('#case-text').isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await shown('#case-text').textContent()).toContain('楼下商铺深夜音响声音很大')
    await expect.poll(() => shown('.report__timeline-item').isVisible(), { timeout: 10_000 }).toBe(true)
  }

  /** What is measured on each screen: body text, secondary text, chips and the tab bar's labels. */
  const CASES_PROBES = ['.case-card__text', '.case-card__meta', '.case-chip', '.section__title']

  it('allows pinch zoom: the viewport neither fixes the scale nor forbids zooming', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' })
    const phone = await context.newPage()
    await phone.goto(server.url)
    const viewport = await phone.locator('meta[name="viewport"]').getAttribute('content')
    expect(viewport).toContain('width=device-width')
    expect(viewport).not.toMatch(/user-scalable\s*=\s*(no|0)|maximum-scale/)
    await expect.poll(() => phone.locator('#dev-login').isVisible(), { timeout: 15_000 }).toBe(true)
    // Two fingers spreading apart on the emulated touch screen (user-scalable=no keeps the scale at 1).
    const cdp = await context.newCDPSession(phone)
    const fingers = (apart: number) => [{ x: 195 - apart, y: 300, id: 1 }, { x: 195 + apart, y: 300, id: 2 }]
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(30) })
    for (let apart = 35; apart <= 90; apart += 5) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(apart) })
      await phone.waitForTimeout(16)
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
    await expect.poll(() => phone.evaluate(() => (globalThis as unknown as InPage).visualViewport?.scale ?? 1), { timeout: 10_000 }).toBeGreaterThan(1.5)
    await context.close()
  })

  it('keeps chips and tab labels at 12 px or more and body text near 14.5 px in the standard mode', async () => {
    page = await openPhone(browser, server.url)
    await page.locator('#dev-login').click()
    await expect.poll(() => page.getByText('你好，演示居民').isVisible(), { timeout: 15_000 }).toBe(true)
    standard.set('.quick-action__hint', await fontPx('.quick-action__hint'))
    standard.set('.weui-tabbar__label', await fontPx('.weui-tabbar__label'))
    await shot('home-standard')

    await tab('我的诉求').click()
    for (const probe of CASES_PROBES) standard.set(probe, await fontPx(probe))
    await shot('cases-standard')

    expect(standard.get('.case-chip')).toBeGreaterThanOrEqual(12)
    expect(standard.get('.quick-action__hint')).toBeGreaterThanOrEqual(12)
    expect(standard.get('.weui-tabbar__label')).toBeGreaterThanOrEqual(12)
    expect(standard.get('.case-card__text')).toBeGreaterThanOrEqual(14.5)

    await tab('积分').click()
    await expect.poll(() => shown('#points-balance').isVisible(), { timeout: 10_000 }).toBe(true)
    await shot('points-standard')
    await openCase()
    await shot('case-standard')
    await page.goBack()
  })

  it('turns 长辈模式 on from 我的: every text 1.3 times larger, tab labels included', async () => {
    await tab('我的').click()
    const label = await fontPx('.elder-switch__label')
    await shown('#elder-mode').click()
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as InPage).document.documentElement.classList.contains('elder'))).toBe(true)
    expect(await fontPx('.elder-switch__label')).toBeCloseTo(label * ELDER_SCALE, 1)
    expect(await fontPx('.weui-tabbar__label')).toBeCloseTo(standard.get('.weui-tabbar__label')! * ELDER_SCALE, 1)
    await shot('me-elder')

    await tab('我的诉求').click()
    for (const probe of CASES_PROBES) expect(await fontPx(probe), probe).toBeCloseTo(standard.get(probe)! * ELDER_SCALE, 1)
    expect(await fontPx('.case-card__text')).toBeGreaterThanOrEqual(18.5)
    await shot('cases-elder')
  })

  it('shows a simple home of big buttons in 长辈模式, which open what they say', async () => {
    await tab('首页').click()
    await expect.poll(() => shown('#elder-complaint').isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await shown('.quick-action').count()).toBe(0)
    const buttons = page.locator('.taro_page').filter({ visible: true }).locator('.big-action')
    expect(await buttons.locator('.big-action__label').allTextContents()).toEqual(['我要投诉', '我要举报', '隐患线索', '我的诉求', '我的积分', '开始巡逻'])
    for (const box of await Promise.all((await buttons.all()).map((b) => b.boundingBox()))) {
      expect(box!.height).toBeGreaterThanOrEqual(80)
      expect(box!.x + box!.width).toBeLessThanOrEqual(390)
    }
    expect(await fontPx('.big-action__label')).toBeGreaterThanOrEqual(22)
    // The notices stay on the home page, below the buttons, as large as the rest.
    const notices = page.locator('.taro_page').filter({ visible: true }).locator('.section').filter({ hasText: '通知' })
    await expect.poll(() => notices.count(), { timeout: 10_000 }).toBe(1)
    await shot('home-elder')
    await notices.scrollIntoViewIfNeeded()
    await shot('home-elder-notices')

    await shown('#elder-points').click()
    await expect.poll(() => shown('#points-balance').isVisible(), { timeout: 10_000 }).toBe(true)
    await shot('points-elder')
    await openCase()
    await shot('case-elder')
    await page.goBack()
  })

  it('remembers 长辈模式 on this device across a reload, and leaves it from the home page', async () => {
    await tab('首页').click()
    await page.reload()
    await expect.poll(() => shown('#elder-complaint').isVisible(), { timeout: 15_000 }).toBe(true)
    expect(await fontPx('.weui-tabbar__label')).toBeCloseTo(standard.get('.weui-tabbar__label')! * ELDER_SCALE, 1)

    await shown('#elder-leave').click()
    await expect.poll(() => shown('.quick-action__hint').isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await fontPx('.quick-action__hint')).toBeCloseTo(standard.get('.quick-action__hint')!, 1)
    await page.reload()
    await expect.poll(() => shown('.quick-action__hint').isVisible(), { timeout: 15_000 }).toBe(true)
    expect(await page.evaluate(() => (globalThis as unknown as InPage).document.documentElement.classList.contains('elder'))).toBe(false)
    await tab('我的').click()
    const switchOn = shown('#elder-mode').evaluate((el) => (el as unknown as { checked?: boolean }).checked === true)
    expect(await switchOn).toBe(false)
    await page.context().close()
  })
})
