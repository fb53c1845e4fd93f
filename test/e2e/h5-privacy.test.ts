import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { gcj02ToWgs84 } from '@anju/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileReport, jpegWithGps, uploadPhoto } from '../../server/src/testing/cases'
import { demoRoute } from '../../server/src/testing/patrolFlow'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium, openPhone } from '../support/browser'
import { saveScreen } from '../support/screens'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')

/** Privacy in the h5 build: the legal pages linked at login, 我的数据 with its export and 注销, consent before tracking, photos by signed link. */
describe('h5 privacy pages in Chromium', () => {
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

  const shoot = (page: Page, name: string) => saveScreen(page, `privacy-${name}`)
  /** Until a page that slides in has arrived: its text starts at the screen's left padding and ends inside the screen. */
  const arrived = async (page: Page, selector: string) => {
    const box = async () => (await page.locator(selector).first().boundingBox()) ?? { x: 999, width: 0 }
    // Polled as one condition: while the page slides in, its text is already near the left but still runs past the right.
    await expect.poll(async () => {
      const b = await box()
      return b.x < 40 && b.x + b.width <= 390
    }, { timeout: 10_000 }).toBe(true)
  }

  async function signIn(page: Page, handle: string) {
    await page.locator('#dev-handle input').fill(handle)
    await page.locator('#dev-login').click()
    await expect.poll(() => page.locator('.weui-tabbar__label').first().isVisible(), { timeout: 15_000 }).toBe(true)
  }
  /** Content security violations the page reported (the app runs under the server's CSP). */
  const cspViolations = (page: Page) => page.evaluate('window.__csp') as Promise<string[]>
  const watchCsp = (page: Page) =>
    page.addInitScript(`
      window.__csp = []
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber))
    `)

  it('links the user agreement and the privacy policy at login, readable before signing in', { timeout: 90_000 }, async () => {
    const page = await openPhone(browser, server.url)
    await expect.poll(() => page.locator('#login-privacy').isVisible(), { timeout: 15_000 }).toBe(true)
    expect(await page.locator('.login__agreement').textContent()).toBe('登录即表示您已阅读并同意《用户协议》和《隐私政策》')
    await shoot(page, 'login')
    await page.locator('#login-privacy').click()
    await expect.poll(() => page.locator('#privacy-policy').isVisible(), { timeout: 15_000 }).toBe(true)
    await arrived(page, '.legal .section')
    expect(await page.getByText('六、您的权利').isVisible()).toBe(true)
    await shoot(page, 'policy')
    await page.goBack()
    await page.locator('#login-terms').click()
    await expect.poll(() => page.locator('#user-agreement').isVisible(), { timeout: 15_000 }).toBe(true)
    await arrived(page, '.legal .section')
    expect(await page.getByText('二、如实上报').isVisible()).toBe(true)
    await shoot(page, 'terms')
    await page.context().close()
  })

  it('shows 我的数据 from 我的, exports it as JSON, and shows the report\'s photo by its signed link', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', acceptDownloads: true })
    const page = await context.newPage()
    await watchCsp(page)
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    await page.goto(server.url)
    await signIn(page, 'datauser')
    const token = await server.http.residentToken('datauser')
    await server.http.post('/api/me/community', { regionId: await server.make.regionId('XT-YT-JSL-XFL') }, { token })
    const photo = (await uploadPhoto(server, token, await jpegWithGps())).body
    const filed = (await fileReport(server, token, { text: '小区东门路灯坏了三天，晚上很暗', photoIds: [photo.id] })).body.case

    await page.locator('.weui-tabbar__label').filter({ hasText: /^我的$/ }).click()
    await expect.poll(() => page.locator('#my-data-entry').isVisible(), { timeout: 10_000 }).toBe(true)
    await shoot(page, 'me')
    await page.locator('#my-data-entry').click()
    await expect.poll(() => page.locator('#my-data-reports').textContent(), { timeout: 15_000 }).toBe('1 条')
    await arrived(page, '.my-data .section')
    expect(await page.getByText('小区东门路灯坏了三天，晚上很暗').isVisible()).toBe(true)
    expect(await page.getByText('巡逻位置轨迹保存 180 天，照片原图（含拍摄信息）保存 90 天，到期自动删除。').isVisible()).toBe(true)
    await shoot(page, 'my-data')
    await page.locator('#my-data-close').scrollIntoViewIfNeeded()
    await shoot(page, 'my-data-bottom')
    for (const id of ['#my-data-export', '#my-data-close']) {
      const box = (await page.locator(id).boundingBox())!
      expect(box.x).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width).toBeLessThanOrEqual(390)
    }

    const download = page.waitForEvent('download')
    await page.locator('#my-data-export').click()
    const file = await download
    expect(file.suggestedFilename()).toMatch(/^anju-my-data-\d+\.json$/)
    const exported = JSON.parse(fs.readFileSync((await file.path())!, 'utf8'))
    expect(exported.reports).toEqual([expect.objectContaining({ number: filed.number, text: '小区东门路灯坏了三天，晚上很暗' })])

    // The case page loads its photo from the signed link the API gave, with no token on the request.
    await page.goto(`${server.url}/#/packages/report/pages/detail/index?id=${filed.id}`)
    const image = page.locator('.case-photos__item img').first()
    const loadedWidth = () => image.evaluate((el) => {
      const img = el as unknown as { complete: boolean; naturalWidth: number }
      return img.complete ? img.naturalWidth : 0
    })
    await expect.poll(loadedWidth, { timeout: 15_000 }).toBe(64)
    expect(await image.getAttribute('src')).toMatch(new RegExp(`^${server.url}/api/files/${photo.id}\\?v=\\d+&e=\\d+&s=`))
    await shoot(page, 'report-photo')
    expect(await cspViolations(page)).toEqual([])
    expect(errors).toEqual([])
    await context.close()
  })

  it('asks for location-track consent once on the patrol start page', { timeout: 120_000 }, async () => {
    const staff = await server.http.staffToken('staff')
    const route = await demoRoute(server, staff)
    const token = await server.http.residentToken('tracker')
    const userId = (await server.http.get('/api/me', { token })).body.id
    const applied = await server.http.post(`/api/patrol-teams/${route.teamId}/apply`, undefined, { token })
    await server.http.post(`/api/staff/patrol-memberships/${applied.body.id}/accept`, undefined, { token: staff })
    const [first] = route.checkpoints
    const [latitude, longitude] = gcj02ToWgs84(first!.lat, first!.lng)
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 }, locale: 'zh-CN', geolocation: { latitude, longitude, accuracy: 10 }, permissions: ['geolocation'],
    })
    const page = await context.newPage()
    await page.goto(server.url)
    await signIn(page, 'tracker')
    await page.goto(`${server.url}/#/packages/patrol/pages/start/index`)
    await page.locator('.patrol-start').first().click()
    await expect.poll(() => page.getByText('巡逻位置授权').isVisible(), { timeout: 10_000 }).toBe(true)
    await shoot(page, 'patrol-consent')
    // Refused: nothing starts, and the page says why.
    await page.getByText('不同意', { exact: true }).click()
    await expect.poll(() => page.locator('#patrol-error').textContent(), { timeout: 10_000 }).toBe('需要同意记录巡逻位置轨迹才能开始巡逻')
    expect(await server.database.db('patrols').where({ user_id: userId })).toEqual([])
    await page.locator('.patrol-start').first().click()
    await page.getByText('同意', { exact: true }).click()
    await expect.poll(() => page.locator('#patrol-done').textContent(), { timeout: 15_000 }).toBe('0/5')
    expect(await server.database.db('user_consents').where({ user_id: userId, kind: 'patrol_location' })).toHaveLength(1)

    // 我的数据 lists it, and it can be withdrawn there.
    await page.goto(`${server.url}/#/packages/account/pages/data/index`)
    const withdraw = page.locator('.data-consent__withdraw')
    await expect.poll(() => withdraw.isVisible(), { timeout: 15_000 }).toBe(true)
    await withdraw.scrollIntoViewIfNeeded()
    const box = (await withdraw.boundingBox())!
    expect(box.x + box.width).toBeLessThanOrEqual(390)
    expect(box.width).toBeLessThan(120)
    const label = (await page.locator('.data-consent__label').boundingBox())!
    expect(label.height).toBeLessThan(50)
    expect(label.x + label.width).toBeLessThanOrEqual(box.x)
    await shoot(page, 'my-data-consent')
    await withdraw.click()
    await page.locator('.taro-modal__foot').getByText('撤回', { exact: true }).click()
    await expect.poll(() => page.locator('#my-data-consents').isVisible(), { timeout: 15_000 }).toBe(true)
    expect(await server.database.db('user_consents').where({ user_id: userId })).toEqual([])
    await context.close()
  })

  it('closes the account from 我的数据 and returns to the login page', { timeout: 120_000 }, async () => {
    const page = await openPhone(browser, server.url)
    await signIn(page, 'leaver')
    const userId = (await server.http.get('/api/me', { token: await server.http.residentToken('leaver') })).body.id
    await page.goto(`${server.url}/#/packages/account/pages/data/index`)
    await expect.poll(() => page.locator('#my-data-close').isVisible(), { timeout: 15_000 }).toBe(true)
    await page.locator('#my-data-close').click()
    await expect.poll(() => page.getByText('确定注销', { exact: true }).isVisible(), { timeout: 10_000 }).toBe(true)
    await shoot(page, 'close-confirm')
    await page.getByText('确定注销', { exact: true }).click()
    await expect.poll(() => page.getByText('账号已注销').isVisible(), { timeout: 15_000 }).toBe(true)
    await page.getByText('确定', { exact: true }).click()
    await expect.poll(() => page.locator('#dev-login').isVisible(), { timeout: 15_000 }).toBe(true)
    const row = await server.database.db('users').where({ id: userId }).first()
    expect(row).toMatchObject({ openid: null, display_name: '已注销用户' })
    await page.context().close()
  })
})
