import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jpegWithGps } from '../../server/src/testing/cases'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium } from '../support/browser'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')

/** A resident files a complaint with a photo in the h5 build and finds it in 我的诉求. */
describe('h5 reporting in Chromium', () => {
  let server: TestServer
  let browser: Browser
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-h5-uploads-'))

  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD, UPLOAD_DIR: uploadDir } })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    fs.rmSync(uploadDir, { recursive: true, force: true })
  })

  it('files a complaint with a photo and sees it in 我的诉求', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 }, locale: 'zh-CN',
      // WGS-84 from the browser, just west of 幸福里; the h5 platform adapter turns it into GCJ-02.
      geolocation: { latitude: 27.8625, longitude: 112.935, accuracy: 10 }, permissions: ['geolocation'],
    })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    await page.goto(server.url)
    await page.locator('#dev-handle input').fill('reporter')
    await page.locator('#dev-login').click()
    await expect.poll(() => page.getByText('你好，reporter').isVisible(), { timeout: 15_000 }).toBe(true)

    await page.locator('.quick-action--complaint').click()
    await expect.poll(() => page.locator('#report-category').isVisible(), { timeout: 15_000 }).toBe(true)
    await expect.poll(() => page.locator('#report-category').textContent(), { timeout: 10_000 }).toBe('请选择类别')
    await page.locator('#report-category').click()
    // The form has three pickers (category, date, time); only the open one is visible.
    const picker = page.locator('.weui-picker').filter({ visible: true })
    await expect.poll(() => picker.count(), { timeout: 5_000 }).toBe(1)
    await picker.locator('.weui-picker__action').filter({ hasText: '确定' }).click()
    await expect.poll(() => page.locator('#report-category').textContent(), { timeout: 10_000 }).toBe('邻里纠纷')

    await page.locator('#report-text textarea').fill('楼上住户长期深夜装修，多次沟通无果')

    const chooser = page.waitForEvent('filechooser')
    await page.locator('#report-add-photo').click()
    await (await chooser).setFiles({ name: 'scene.jpg', mimeType: 'image/jpeg', buffer: await jpegWithGps() })
    await expect.poll(async () => Number((await server.database.db('uploads').count({ n: '*' }).first())!.n), { timeout: 15_000 }).toBe(1)
    await expect.poll(() => page.getByText('上传中').count(), { timeout: 10_000 }).toBe(0)

    await page.locator('#report-locate').click()
    await expect.poll(() => page.locator('#report-address input').inputValue(), { timeout: 15_000 }).toMatch(/^当前位置/)
    await page.locator('#report-address input').fill('幸福里小区 5 栋 2 单元')

    await page.locator('#report-submit').click()
    await expect.poll(() => page.locator('#case-status').textContent(), { timeout: 15_000 }).toBe('待受理')
    expect(await page.locator('#case-text').textContent()).toBe('楼上住户长期深夜装修，多次沟通无果')

    const row = await server.database.db('cases').first()
    expect(row).toMatchObject({ category_code: 'neighbour_dispute', address: '幸福里小区 5 栋 2 单元' })
    expect(JSON.parse(row.photo_ids)).toHaveLength(1)

    await page.goto(`${server.url}/#/pages/cases/index`)
    await expect.poll(() => page.locator(`#case-${row.id}`).isVisible(), { timeout: 15_000 }).toBe(true)
    expect(await page.locator(`#case-${row.id}`).textContent()).toContain('邻里纠纷')
    expect(await page.locator(`#case-${row.id}`).textContent()).toContain('待受理')
    expect(errors).toEqual([])
    await context.close()
  })

  it('lets community staff accept and dispatch it from the workbench, showing only allowed actions', { timeout: 120_000 }, async () => {
    const row = await server.database.db('cases').first()
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.locator('#staff-username input').fill('staff')
    await page.locator('#staff-password input').fill('anju-demo-2026')
    await page.locator('#staff-login').click()
    await expect.poll(() => page.getByText('你好，幸福里社区 王敏').isVisible(), { timeout: 15_000 }).toBe(true)
    await page.locator('.weui-tabbar__label').filter({ hasText: /^我的$/ }).click()
    await page.locator('#workbench-entry').click()
    await page.locator('#wb-cases').click()
    await expect.poll(() => page.locator(`#case-${row.id}`).isVisible(), { timeout: 15_000 }).toBe(true)
    await page.locator(`#case-${row.id}`).click()
    await expect.poll(() => page.locator('#wb-case-status').textContent(), { timeout: 15_000 }).toBe('待受理')
    expect(await page.locator('[id^=wb-action-]').evaluateAll((els) => els.map((e) => e.id))).toEqual(
      ['wb-action-accept', 'wb-action-reject', 'wb-action-escalate'],
    )
    // 调整预警等级 is offered beside the moves while the case is open.
    expect(await page.locator('#wb-regrade').count()).toBe(1)
    await page.locator('#wb-action-accept').click()
    await expect.poll(() => page.locator('#wb-case-status').textContent(), { timeout: 15_000 }).toBe('已受理')
    await page.locator('#wb-worker').click()
    const picker = page.locator('.weui-picker').filter({ visible: true })
    await picker.locator('.weui-picker__action').filter({ hasText: '确定' }).click()
    await page.locator('#wb-action-dispatch').click()
    await expect.poll(() => page.locator('#wb-case-status').textContent(), { timeout: 15_000 }).toBe('已派单')
    expect((await server.database.db('cases').where({ id: row.id }).first()).assignee_id).not.toBeNull()
    await context.close()
  })
})
