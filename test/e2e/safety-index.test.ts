import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../server/src/db/seeds/demo'
import { seedHistory } from '../../server/src/db/seeds/history'
import { addMonths, chinaMonthKey } from '../../server/src/lib/chinaTime'
import { regionsRepo } from '../../server/src/repositories/regions'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { saveScreen } from '../support/screens'
import { launchChromium, openDesktop, openPhone } from '../support/browser'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')
const CONSOLE_BUILD = path.resolve(import.meta.dirname, '../../console/dist')

/**
 * The newcomer's journey over the demo history: the street centre publishes last month's 平安指数 in the
 * console (1280×800), and the demo resident of 幸福里社区 reads it in the mini program's h5 build (390×844).
 */
describe('平安指数 from the console to the mini program, in Chromium', () => {
  let server: TestServer
  let browser: Browser
  const lastMonth = addMonths(chinaMonthKey(new Date()), -1)

  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD, CONSOLE_DIR: CONSOLE_BUILD } })
    await seedHistory(server.database.db)
    browser = await launchChromium()
  }, 240_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  let published = ''

  it('the centre enters the departments\' figures and publishes last month', async () => {
    const page: Page = await openDesktop(browser, `${server.url}/console/login`)
    await page.locator('#login-username').fill('centre')
    await page.locator('#login-password').fill(DEMO_PASSWORD)
    await page.locator('#login-submit').click()
    await page.waitForURL('**/console/overview**')
    await page.locator('.nav-link').filter({ hasText: '平安指数' }).click()
    await expect.poll(() => page.locator('#si-month').inputValue(), { timeout: 10_000 }).toBe(lastMonth)
    await expect.poll(() => page.locator('.si-inputs input[data-code]').count(), { timeout: 15_000 }).toBe(5)
    expect(await page.locator('#si-publish').isDisabled()).toBe(true)
    for (const [code, value] of [['homicide', '0'], ['injury', '2'], ['vice', '1'], ['traffic_accidents', '4'], ['fires', '1']]) {
      await page.locator(`.si-inputs input[data-code="${code}"]`).fill(value!)
    }
    await page.locator('#si-save').click()
    await expect.poll(() => page.locator('#si-notice').textContent(), { timeout: 10_000 }).toContain('已保存')
    await expect.poll(() => page.locator('#si-publish').isDisabled()).toBe(false)
    const preview = (await page.locator('#si-score').textContent())!.trim()
    await page.locator('#si-publish').click()
    await expect.poll(() => page.locator('#si-notice').textContent(), { timeout: 10_000 }).toContain(`已发布 ${lastMonth} 平安指数`)
    published = String(Number(preview))
    const jsl = (await regionsRepo.findByCode(server.database.db, 'XT-YT-JSL'))!
    const row = await server.database.db('safety_index_publications').where({ region_id: jsl.id, month: lastMonth }).first()
    expect(Number(row.score).toFixed(1)).toBe(Number(preview).toFixed(1))
    // Cases from the demo history count: 治安隐患 and 交通违法反映 are not zero.
    const detail = JSON.parse(row.detail)
    expect(detail.raws.traffic_violations).toBeGreaterThan(0)
    expect(detail.raws.satisfaction).toBeGreaterThan(0)
    await saveScreen(page, 'console-safety-index')
    await page.context().close()
  })

  it('a resident opens it from the home page', async () => {
    const page = await openPhone(browser, server.url)
    await page.locator('#dev-login').click()
    await expect.poll(() => page.getByText('你好，演示居民').isVisible(), { timeout: 15_000 }).toBe(true)
    await page.locator('#safety-index-link').click()
    await expect.poll(() => page.locator('#safety-score').textContent(), { timeout: 15_000 }).toBe(Number(published).toFixed(1))
    const head = (await page.locator('#safety-head').textContent())!
    expect(head).toContain('建设路街道')
    expect(head).toContain(`${Number(lastMonth.slice(5))} 月 平安指数`)
    // Within the index page: the home page stays in the document, hidden, and its hints name 消防 and 治安 too.
    const shown = page.locator('.safety')
    for (const name of ['治安', '交通', '消防', '群众感受', '命案', '满意率']) {
      expect(await shown.getByText(name, { exact: false }).first().isVisible()).toBe(true)
    }
    await saveScreen(page, 'miniapp-safety-index', { fullPage: true })
    const box = await page.locator('#safety-head').boundingBox()
    expect(box!.x + box!.width).toBeLessThanOrEqual(390)
    await page.context().close()
  })
})
