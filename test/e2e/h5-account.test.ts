import path from 'node:path'
import jwt from 'jsonwebtoken'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium, openPhone } from '../support/browser'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')
const SESSION_KEY = 'anju.session'
/** Where the journeys leave screenshots to look at (390×844, like the phone). */
const SCREENS = process.env.SCREENSHOT_DIR

type Stored = { accessToken: string; refreshToken: string; refreshKey: string }
/** The browser's localStorage, as the page sees it (the tests' own types have no DOM). */
type Storage = { getItem(key: string): string | null; setItem(key: string, value: string): void }

/** The session the app keeps in storage (Taro's h5 storage wraps the value as {data}). */
async function storedSession(page: Page): Promise<Stored | null> {
  const raw = await page.evaluate((key) => (globalThis as unknown as { localStorage: Storage }).localStorage.getItem(key), SESSION_KEY)
  if (!raw) return null
  const parsed = JSON.parse(raw)
  return (parsed.data ?? parsed) as Stored
}

/**
 * Puts `token` in the stored session as the next launch of the app reads it. The running app may still write
 * its own session to storage (after GET /api/me, say), so the swap happens at the start of the next load, before
 * the app's scripts run, and only once.
 */
async function replaceStoredAccessTokenAtNextLoad(page: Page, token: string) {
  await page.context().addInitScript(([key, next]) => {
    const scope = globalThis as unknown as { localStorage: Storage; sessionStorage: Storage }
    if (scope.sessionStorage.getItem('test.token-replaced')) return
    scope.sessionStorage.setItem('test.token-replaced', '1')
    const parsed = JSON.parse(scope.localStorage.getItem(key!)!)
    const session = parsed.data ?? parsed
    session.accessToken = next
    scope.localStorage.setItem(key!, JSON.stringify(parsed))
  }, [SESSION_KEY, token])
}

describe('account and session on the h5 build', () => {
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

  async function staffLogin(username: string, password: string): Promise<Page> {
    const page = await openPhone(browser, server.url)
    await page.locator('#staff-username input').fill(username)
    await page.locator('#staff-password input').fill(password)
    await page.locator('#staff-login').click()
    await expect.poll(() => page.locator('.weui-tabbar__label').first().isVisible(), { timeout: 15_000 }).toBe(true)
    return page
  }

  const openMe = (page: Page) => page.locator('.weui-tabbar__label').filter({ hasText: /^我的$/ }).click()

  it('lets staff change their password in 我的: this phone stays signed in, the other is signed out', async () => {
    const account = await server.make.account()
    const otherPhone = (await server.http.post('/api/auth/staff', { username: account.username, password: account.password })).body
    const page = await staffLogin(account.username, account.password)
    await openMe(page)
    await page.locator('#password-entry').click()
    await expect.poll(() => page.locator('#password-submit').isVisible(), { timeout: 10_000 }).toBe(true)
    // (after the page's slide-in has finished)
    if (SCREENS) await page.waitForTimeout(800).then(() => page.screenshot({ path: path.join(SCREENS, 'password.png') }))

    await page.locator('#password-current input').fill(account.password)
    await page.locator('#password-new input').fill('short')
    await page.locator('#password-repeat input').fill('short')
    await page.locator('#password-submit').click()
    await expect.poll(() => page.locator('#password-error').textContent()).toContain('至少 10 位')
    if (SCREENS) await page.screenshot({ path: path.join(SCREENS, 'password-error.png') })

    await page.locator('#password-new input').fill('new-password-2026')
    await page.locator('#password-repeat input').fill('new-password-2026')
    await page.locator('#password-submit').click()
    await expect.poll(() => page.getByText('密码已修改').first().isVisible(), { timeout: 10_000 }).toBe(true)
    if (SCREENS) await page.screenshot({ path: path.join(SCREENS, 'password-done.png') })
    await expect.poll(() => page.locator('#password-entry').isVisible(), { timeout: 10_000 }).toBe(true)

    // This phone holds the new session; the other phone's tokens stopped working.
    const session = (await storedSession(page))!
    expect((await server.http.get('/api/me', { token: session.accessToken })).status).toBe(200)
    expect((await server.http.get('/api/me', { token: otherPhone.accessToken })).status).toBe(401)
    expect((await server.http.post('/api/auth/staff', { username: account.username, password: 'new-password-2026' })).status).toBe(200)
    await page.reload()
    await expect.poll(() => page.locator('.profile__name').last().textContent(), { timeout: 15_000 }).toContain('工作人员')
    await page.context().close()
  })

  it('logs out from 我的: back at the login page, and the server no longer takes the old tokens', async () => {
    const page = await openPhone(browser, server.url)
    await page.locator('#dev-login').click()
    await expect.poll(() => page.getByText('你好，演示居民').isVisible(), { timeout: 15_000 }).toBe(true)
    await openMe(page)
    expect(await page.locator('#password-entry').count()).toBe(0)
    if (SCREENS) await page.screenshot({ path: path.join(SCREENS, 'me-resident.png') })
    const before = (await storedSession(page))!
    await page.locator('#logout').click()
    await page.locator('.taro-modal__foot').getByText('确定').click()
    await expect.poll(() => page.locator('#dev-login').isVisible(), { timeout: 15_000 }).toBe(true)
    expect(await storedSession(page)).toBeNull()
    await expect.poll(async () => (await server.http.get('/api/me', { token: before.accessToken })).status, { timeout: 10_000 }).toBe(401)
    expect((await server.http.post('/api/auth/refresh', { refreshToken: before.refreshToken })).status).toBe(401)
    await page.context().close()
  })

  it('refreshes an expired access token once for requests made together, and keeps working after the rotation', async () => {
    const page = await openPhone(browser, server.url)
    await page.locator('#dev-login').click()
    await expect.poll(() => page.getByText('你好，演示居民').isVisible(), { timeout: 15_000 }).toBe(true)
    const before = (await storedSession(page))!
    const claims = jwt.decode(before.accessToken) as { sub: string; sid: string; ver: number }
    const expired = jwt.sign({ typ: 'access', ver: claims.ver, sid: claims.sid }, server.config.jwt.secret, {
      algorithm: 'HS256', issuer: 'anju', subject: claims.sub, expiresIn: -60,
    })
    await replaceStoredAccessTokenAtNextLoad(page, expired)
    // The mall's list asks for the rewards and the balance at once: both meet the expired token.
    await page.goto(`${server.url}/#/packages/mall/pages/list/index`)
    await page.reload()
    expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: Storage }).sessionStorage.getItem('test.token-replaced'))).toBe('1')
    await expect.poll(() => page.locator('#mall-balance').textContent(), { timeout: 15_000 }).toMatch(/^\d+$/)
    const after = (await storedSession(page))!
    expect(after.refreshToken).not.toBe(before.refreshToken)
    const tokens = await server.database.db('refresh_tokens').where({ session_id: claims.sid }).orderBy('created_at')
    expect(tokens).toHaveLength(2)
    expect(tokens[0].used_at).not.toBeNull()
    expect((await server.database.db('sessions').where({ id: claims.sid }).first()).revoked_at).toBeNull()
    // The rotated pair goes on working.
    expect((await server.http.post('/api/auth/refresh', { refreshToken: after.refreshToken })).status).toBe(200)
    await page.context().close()
  })

  it('asks a resident who moves community for a reason, and says what moving means for rewards', async () => {
    const page = await openPhone(browser, server.url)
    await page.locator('#dev-handle input').fill('mover')
    await page.locator('#dev-login').click()
    await expect.poll(() => page.locator('.weui-tabbar__label').first().isVisible(), { timeout: 15_000 }).toBe(true)
    const session = (await storedSession(page))!
    const hp = await server.make.regionId('XT-YT-JSL-HP')
    expect((await server.http.post('/api/me/community', { regionId: hp }, { token: session.accessToken })).status).toBe(200)
    await page.goto(`${server.url}/#/packages/mall/pages/list/index`)
    await page.reload()
    await expect.poll(() => page.locator('.mall__region').textContent(), { timeout: 15_000 }).toContain('和平社区')
    await page.locator('.mall__link').filter({ hasText: '更换' }).click()
    await expect.poll(() => page.locator('#community-reason').isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await page.locator('.community__hint').textContent()).toContain('须说明原因')
    if (SCREENS) await page.screenshot({ path: path.join(SCREENS, 'community-move.png') })
    await page.context().close()
  })
})
