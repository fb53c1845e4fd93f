import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium, openPhone } from '../support/browser'
import { saveScreen } from '../support/screens'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')

/**
 * A phone that loses its network, and addresses that name no page, on the h5 build against the real server.
 * Each page of the h5 build is fetched the first time it opens, so a tab tapped offline cannot open: the app
 * says so, offers 重试 and 返回, and opens the page by itself once the network is back. The tests share one
 * server and one signed-in phone, and run in order.
 */
describe('offline and unknown pages, in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  /** Uncaught errors on the phone: there should be none. */
  const uncaught: string[] = []

  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD } })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const tab = (label: string) => page.locator('.weui-tabbar__label').filter({ hasText: new RegExp(`^${label}$`) })
  const notice = () => page.locator('#offline-notice')
  const hashPath = () => new URL(page.url()).hash.replace(/^#/, '').split('?')[0]
  const visiblePage = (selector: string) => page.locator('.taro_page').filter({ visible: true }).locator(selector)
  const selectedTab = () => page.locator('.weui-bar__item_on .weui-tabbar__label').textContent()

  it('says 网络未连接 with 重试 when a tab is tapped offline, instead of an uncaught chunk-load error', async () => {
    page = await openPhone(browser, server.url)
    page.on('pageerror', (err) => uncaught.push(err.message))
    await page.locator('#dev-login').click()
    await expect.poll(() => page.getByText('你好，演示居民').isVisible(), { timeout: 15_000 }).toBe(true)

    await page.context().setOffline(true)
    await tab('我的诉求').click()
    await expect.poll(() => notice().isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await notice().textContent()).toContain('网络未连接')
    expect(await page.locator('#offline-retry').isVisible()).toBe(true)
    await saveScreen(page, 'offline-notice')
    expect(uncaught).toEqual([])

    // Still offline: 重试 fails again, and the notice stays.
    await page.locator('#offline-retry').click()
    await expect.poll(() => notice().isVisible(), { timeout: 10_000 }).toBe(true)
    // The page left behind is still the one on screen.
    expect(await page.getByText('你好，演示居民').isVisible()).toBe(true)
    expect(await visiblePage('.case-card').count()).toBe(0)
    expect(uncaught).toEqual([])
  })

  it('opens the tab by itself once the network is back', async () => {
    await page.context().setOffline(false)
    await expect.poll(() => notice().count(), { timeout: 15_000 }).toBe(0)
    await expect.poll(() => visiblePage('.section__title').first().textContent(), { timeout: 15_000 }).toBe('我的诉求')
    expect(hashPath()).toBe('/pages/cases/index')
    expect(await selectedTab()).toBe('我的诉求')
    expect(uncaught).toEqual([])
  })

  it('puts the address and the tab bar back to the page on screen on 返回', async () => {
    await page.context().setOffline(true)
    await tab('积分').click()
    await expect.poll(() => notice().isVisible(), { timeout: 10_000 }).toBe(true)
    expect(hashPath()).toBe('/pages/points/index')
    await page.locator('#offline-back').click()
    await expect.poll(() => notice().count()).toBe(0)
    await expect.poll(hashPath).toBe('/pages/cases/index')
    // switchTab moves the address first and the tab bar's highlight a moment later.
    await expect.poll(selectedTab).toBe('我的诉求')
    expect(await visiblePage('.section__title').first().textContent()).toBe('我的诉求')

    // A page of a sub-package, opened from a page that is not a tab, goes back the same way.
    await tab('首页').click()
    await expect.poll(() => page.getByText('你好，演示居民').isVisible(), { timeout: 10_000 }).toBe(true)
    await page.locator('.quick-action--complaint').click()
    await expect.poll(() => notice().isVisible(), { timeout: 10_000 }).toBe(true)
    await page.locator('#offline-back').click()
    await expect.poll(hashPath).toBe('/pages/index/index')
    expect(await page.getByText('你好，演示居民').isVisible()).toBe(true)

    // Back online, the same tap opens it.
    await page.context().setOffline(false)
    await page.locator('.quick-action--complaint').click()
    await expect.poll(hashPath, { timeout: 15_000 }).toBe('/packages/report/pages/new/index')
    expect(await notice().count()).toBe(0)
    expect(uncaught).toEqual([])
  })

  it('shows 页面不存在 with a way home for an address that names no page', async () => {
    const lost = await browser.newPage({ storageState: await page.context().storageState(), viewport: { width: 390, height: 844 } })
    lost.on('pageerror', (err) => uncaught.push(err.message))
    await lost.goto(`${server.url}/#/pages/retired/index?id=7`)
    await expect.poll(() => lost.locator('#not-found-title').isVisible(), { timeout: 15_000 }).toBe(true)
    expect(await lost.locator('#not-found-title').textContent()).toBe('页面不存在')
    expect(await lost.locator('#not-found-path').textContent()).toBe('/pages/retired/index')
    await saveScreen(lost, 'not-found')

    await lost.locator('#not-found-home').click()
    await expect.poll(() => lost.getByText('你好，演示居民').isVisible(), { timeout: 15_000 }).toBe(true)
    expect(new URL(lost.url()).hash).toMatch(/^#\/pages\/index\/index/)
    await lost.close()
    expect(uncaught).toEqual([])
  })
})
