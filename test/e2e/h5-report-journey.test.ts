import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { gcj02ToWgs84 } from '@anju/shared'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { fileReport, jpegWithGps } from '../../server/src/testing/cases'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium } from '../support/browser'
import { pickOption } from '../support/taro'
import { saveScreen } from '../support/screens'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')

/** What Chromium reports (WGS-84) for the phone to stand at this GCJ-02 point. */
function phoneAt(lat: number, lng: number) {
  const [latitude, longitude] = gcj02ToWgs84(lat, lng)
  return { latitude, longitude, accuracy: 10 }
}

/**
 * A resident's report as it is really made: slowly, with reloads, a session older than its access token, an
 * earlier report of the same problem nearby, and a position that is not quite where the problem is.
 */
describe('reporting in the h5 build, as a resident lives it', () => {
  let server: TestServer
  let browser: Browser
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-h5-journey-'))

  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD, UPLOAD_DIR: uploadDir } })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    fs.rmSync(uploadDir, { recursive: true, force: true })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  async function phone(at: { lat: number; lng: number }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
      geolocation: phoneAt(at.lat, at.lng), permissions: ['geolocation'],
    })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    return { context, page, errors }
  }

  async function logIn(page: Page, handle: string) {
    await page.goto(server.url)
    await page.locator('#dev-handle input').fill(handle)
    await page.locator('#dev-login').click()
    await expect.poll(() => page.getByText(`你好，${handle}`).isVisible(), { timeout: 15_000 }).toBe(true)
  }

  async function chooseCategory(page: Page, name: string) {
    await expect.poll(() => page.locator('#report-category').textContent(), { timeout: 15_000 }).toBe('请选择类别')
    await page.locator('#report-category').click()
    await pickOption(page, name)
    await expect.poll(() => page.locator('#report-category').textContent(), { timeout: 10_000 }).toBe(name)
  }

  it('keeps a half-filled report across a reload, and sends the photo added after the access token expired', { timeout: 180_000 }, async () => {
    const startedAt = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true })
    vi.setSystemTime(startedAt)
    const here = { lat: 27.8602, lng: 112.9381 }
    const { context, page, errors } = await phone(here)
    await context.clock.install({ time: startedAt })
    await logIn(page, 'slowfiller')

    await page.locator('.quick-action--complaint').click()
    await chooseCategory(page, '邻里纠纷')
    await page.locator('#report-text textarea').fill('楼上住户长期深夜装修，电钻声到十一点多')
    await page.locator('#report-locate').click()
    await expect.poll(() => page.locator('#report-address input').inputValue(), { timeout: 15_000 }).toMatch(/^当前位置/)
    await page.locator('#report-address input').fill('幸福里小区 5 栋 2 单元')
    await expect.poll(() => page.locator('#report-handler').textContent(), { timeout: 10_000 }).toContain('幸福里社区')

    // The phone reloads (or WeChat kills the page): everything typed is still there.
    await page.reload()
    await expect.poll(() => page.locator('#report-restored').isVisible(), { timeout: 15_000 }).toBe(true)
    await expect.poll(() => page.locator('#report-category').textContent(), { timeout: 10_000 }).toBe('邻里纠纷')
    expect(await page.locator('#report-text textarea').inputValue()).toBe('楼上住户长期深夜装修，电钻声到十一点多')
    expect(await page.locator('#report-address input').inputValue()).toBe('幸福里小区 5 栋 2 单元')
    await saveScreen(page, 'report-restored-draft')

    // Two hours and a bit later the resident comes back to it: the access token has expired meanwhile.
    const storedToken = () => page.evaluate(() => JSON.parse((globalThis as any).localStorage.getItem('anju.session')).data.accessToken as string)
    const tokenBefore = await storedToken()
    const later = startedAt + (2 * 60 + 5) * 60 * 1000
    vi.setSystemTime(later)
    await context.clock.fastForward('02:05:00')
    const chooser = page.waitForEvent('filechooser')
    await page.locator('#report-add-photo').click()
    await (await chooser).setFiles({ name: 'noise.jpg', mimeType: 'image/jpeg', buffer: await jpegWithGps() })
    await expect.poll(() => page.locator('.report__photo--sent').count(), { timeout: 20_000 }).toBe(1)
    expect(await page.locator('#report-photo-error').count()).toBe(0)
    // The upload was refused as expired, the session refreshed, and the photo sent again.
    expect(await storedToken()).not.toBe(tokenBefore)
    // With a photo, the resident may let it be shown in public data; it is off until they switch it on.
    await page.locator('#report-public-photos').click()
    await saveScreen(page, 'report-photo-public')

    await page.locator('#report-submit').click()
    await expect.poll(() => page.locator('#case-status').textContent(), { timeout: 20_000 }).toBe('待受理')
    const row = await server.database.db('cases').where({ address: '幸福里小区 5 栋 2 单元' }).first()
    expect(JSON.parse(row.photo_ids)).toHaveLength(1)
    expect(Boolean(row.photos_public)).toBe(true)
    expect(Boolean(row.anonymous)).toBe(false)
    expect(await page.locator('#case-handler').textContent()).toBe('承办单位：幸福里社区（幸福里第一网格）')
    await expect.poll(() => page.locator('.case-photos__item').count(), { timeout: 10_000 }).toBe(1)

    // Sent: the next report of this kind starts empty.
    await page.goto(`${server.url}/#/packages/report/pages/new/index?kind=complaint`)
    await expect.poll(() => page.locator('#report-category').textContent(), { timeout: 15_000 }).toBe('请选择类别')
    expect(await page.locator('#report-text textarea').inputValue()).toBe('')
    expect(await page.locator('#report-restored').count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  })

  it('offers an earlier report of the same problem, and the resident chooses', async () => {
    const spot = { lat: 27.8615, lng: 112.9412 }
    const neighbour = await server.http.residentToken('firstneighbour')
    const earlier = await fileReport(server, neighbour, {
      categoryCode: 'noise', text: '烧烤摊每天凌晨两点还在营业，油烟和噪音很大', location: { ...spot, address: '幸福里 8 栋 302 楼下' },
    })
    expect(earlier.status).toBe(201)

    const { context, page, errors } = await phone({ lat: spot.lat + 0.00015, lng: spot.lng })
    await logIn(page, 'secondreporter')
    await page.goto(`${server.url}/#/packages/report/pages/new/index?kind=complaint`)
    await chooseCategory(page, '噪音扰民')
    await page.locator('#report-text textarea').fill('楼下烧烤摊太吵了，天天到半夜')
    await page.locator('#report-locate').click()
    await expect.poll(() => page.locator('#report-address input').inputValue(), { timeout: 15_000 }).toMatch(/^当前位置/)
    await page.locator('#report-submit').click()

    const candidate = page.locator(`#candidate-${earlier.body.case.id}`)
    await expect.poll(() => candidate.isVisible(), { timeout: 15_000 }).toBe(true)
    const offered = await candidate.textContent()
    expect(offered).toContain(`噪音扰民 · ${earlier.body.case.number}`)
    expect(offered).toMatch(/距您约 (10|20) 米/)
    expect(offered).not.toContain('烧烤摊')
    await saveScreen(page, 'report-duplicate-prompt')
    // Nothing is filed until the resident answers.
    expect(await server.database.db('cases').where({ category_code: 'noise' })).toHaveLength(1)

    await page.locator(`#follow-${earlier.body.case.id}`).click()
    await expect.poll(() => page.locator('#case-summary').isVisible(), { timeout: 15_000 }).toBe(true)
    const shown = await page.locator('.report').textContent()
    expect(shown).not.toContain('凌晨两点')
    expect(shown).not.toContain('8 栋 302')
    expect(shown).toContain('我') // their own follow, with their words
    expect(shown).toContain('楼下烧烤摊太吵了，天天到半夜')
    expect(await server.database.db('cases').where({ category_code: 'noise' })).toHaveLength(1)
    await saveScreen(page, 'report-followed-summary')

    // Another resident says 不是: a case of their own.
    const other = await context.newPage()
    await other.goto(`${server.url}/#/packages/report/pages/new/index?kind=complaint`)
    await chooseCategory(other, '噪音扰民')
    await other.locator('#report-text textarea').fill('隔壁 KTV 音响震得窗户响')
    await other.locator('#report-locate').click()
    await expect.poll(() => other.locator('#report-address input').inputValue(), { timeout: 15_000 }).toMatch(/^当前位置/)
    await other.locator('#report-submit').click()
    await expect.poll(() => other.locator('#report-file-anew').isVisible(), { timeout: 15_000 }).toBe(true)
    await other.locator('#report-file-anew').click()
    await expect.poll(() => other.locator('#case-text').textContent(), { timeout: 15_000 }).toBe('隔壁 KTV 音响震得窗户响')
    expect(await server.database.db('cases').where({ category_code: 'noise' })).toHaveLength(2)
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows which community will handle the report, and lets the resident send it to the grid where the problem is', async () => {
    // In 和平第一网格, 40 m south of 幸福里: the resident is reporting their own building, across the line.
    const { context, page, errors } = await phone({ lat: 27.8576, lng: 112.9400 })
    await logIn(page, 'acrossgrid')
    await page.goto(`${server.url}/#/packages/report/pages/new/index?kind=complaint`)
    await chooseCategory(page, '邻里纠纷')
    await page.locator('#report-text textarea').fill('楼上邻居家漏水到我家，协商不成')
    await page.locator('#report-locate').click()
    await expect.poll(() => page.locator('#report-handler').textContent(), { timeout: 15_000 }).toBe('将由 和平社区（和平第一网格）办理不对？更改')
    await page.locator('#report-change-grid').click()
    await expect.poll(() => page.locator('.place-map--drawn polygon').count(), { timeout: 10_000 }).toBe(3)
    await saveScreen(page, 'report-choose-grid')
    await page.locator('.report__grid').filter({ hasText: '幸福里第一网格' }).click()
    expect(await page.locator('#report-handler').textContent()).toBe('将由 幸福里社区（幸福里第一网格）办理不对？更改')
    await page.locator('#report-submit').click()
    await expect.poll(() => page.locator('#case-handler').textContent(), { timeout: 15_000 }).toBe('承办单位：幸福里社区（幸福里第一网格）')
    expect(errors).toEqual([])
    await context.close()
  })
})
