import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium, openPhone } from '../support/browser'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')

/** The h5 build served by the real server, opened in headless Chromium at a phone's size. */
describe('h5 app in Chromium', () => {
  let server: TestServer
  let browser: Browser

  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD } })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const openApp = (): Promise<Page> => openPhone(browser, server.url)

  it('sends a visitor to log in, and the demo resident lands on the home tab', async () => {
    const page = await openApp()
    await page.locator('#dev-login').click()
    await expect.poll(() => page.getByText('你好，演示居民').isVisible(), { timeout: 15_000 }).toBe(true)
    expect(await page.locator('.weui-tabbar__label').allTextContents()).toEqual(['首页', '我的诉求', '积分', '我的'])
    expect(await page.getByText('我要投诉').first().isVisible()).toBe(true)
    await page.context().close()
  })

  it('logs staff in with a password and offers them the workbench', async () => {
    const page = await openApp()
    await page.locator('#staff-username input').fill('staff')
    await page.locator('#staff-password input').fill('anju-demo-2026')
    await page.locator('#staff-login').click()
    await expect.poll(() => page.getByText('你好，幸福里社区 王敏').isVisible(), { timeout: 15_000 }).toBe(true)
    await page.locator('.weui-tabbar__label').filter({ hasText: /^我的$/ }).click()
    await expect.poll(() => page.locator('#workbench-entry').isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await page.locator('.profile').last().textContent()).toContain('幸福里社区')
    await page.context().close()
  })

  it('shows the server\'s Chinese message for a wrong password', async () => {
    const page = await openApp()
    await page.locator('#staff-username input').fill('staff')
    await page.locator('#staff-password input').fill('wrong-password')
    await page.locator('#staff-login').click()
    await expect.poll(() => page.getByText('用户名或密码错误').first().isVisible(), { timeout: 10_000 }).toBe(true)
    await page.context().close()
  })
})
