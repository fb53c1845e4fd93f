import path from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../server/src/db/seeds/demo'
import { usersRepo } from '../../server/src/repositories/users'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium, openPhone } from '../support/browser'
import { saveScreen } from '../support/screens'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')

/**
 * Redeeming knowing the terms, and picking up by a code read aloud, on the h5 build against the real server and
 * its demo data: the demo resident (500 points, 幸福里社区) sees their balance, the per-resident limit and how
 * many they hold, the stock and where and by when to pick up, on the reward page and in the dialog; at the limit
 * the button is off. Staff type the code as they hear it. The tests share one server and run in order.
 */
describe('redeeming and pickup by a spoken code, in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let resident: Page
  const codes: string[] = []

  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD } })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const textOf = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim()
  /** Taro's h5 button is a custom element: disabled is its attribute (which may read "false"), not a native state. */
  const isDisabled = (button: Locator) => button.evaluate((el) => (el.getAttribute('disabled') ?? 'false') !== 'false')

  async function openTab(page: Page, label: string) {
    await page.locator('.weui-tabbar__label').filter({ hasText: new RegExp(`^${label}$`) }).click()
  }

  async function openReward(page: Page, title: string) {
    await openTab(page, '积分')
    await page.locator('#mall-entry').click()
    await page.locator('.reward-card').filter({ hasText: title }).click()
    await expect.poll(() => textOf(page, '#reward-title'), { timeout: 10_000 }).toBe(title)
  }

  /** Redeems the open reward through the 确认兑换 dialog; answers the dialog's text and the pickup code. */
  async function redeem(page: Page): Promise<{ dialog: string; code: string }> {
    await page.locator('#redeem').click()
    const modal = page.locator('.taro-modal__content')
    await expect.poll(() => modal.isVisible(), { timeout: 10_000 }).toBe(true)
    const dialog = (await modal.locator('.taro-modal__text').innerText()).trim()
    await modal.locator('.taro-model__confirm').click()
    await expect.poll(() => page.locator('#redemption-code').isVisible(), { timeout: 10_000 }).toBe(true)
    return { dialog, code: await textOf(page, '#redemption-code') }
  }

  it('shows the balance, the per-resident limit and what is already held, the stock and the pickup place and days before redeeming', async () => {
    resident = await openPhone(browser, server.url)
    await resident.locator('#dev-login').click()
    await expect.poll(() => resident.getByText('你好，演示居民').isVisible(), { timeout: 15_000 }).toBe(true)
    await openReward(resident, '洗衣液一瓶')
    await expect.poll(() => textOf(resident, '#reward-balance'), { timeout: 10_000 }).toBe('500，兑换后剩 400')
    expect(await textOf(resident, '#reward-limit')).toBe('2 件，我已兑 0 件')
    expect(await textOf(resident, '#reward-stock')).toBe('剩余 20 / 20 件')
    expect(await textOf(resident, '#reward-place')).toBe('幸福里社区服务中心一楼')
    expect(await textOf(resident, '#reward-pickup-days')).toBe('兑换后 7 天内')
    await saveScreen(resident, 'mall-detail')

    const { dialog, code } = await redeem(resident)
    // One line each, as the dialog shows them.
    expect(dialog.split('\n')).toEqual([
      '确认使用 100 积分兑换「洗衣液一瓶」？',
      '积分：现有 500，兑换后剩 400',
      '限兑：每人 2 件，已兑 0 件',
      '库存：剩余 20 件',
      '领取：幸福里社区服务中心一楼，兑换后 7 天内',
    ])
    codes.push(code)
  })

  it('counts the redemption against the limit, and turns the button off once the limit is reached', async () => {
    await resident.goBack() // the redemption replaced the detail page: back is the mall
    await resident.locator('.reward-card').filter({ hasText: '洗衣液一瓶' }).click()
    await expect.poll(() => textOf(resident, '#reward-limit'), { timeout: 10_000 }).toBe('2 件，我已兑 1 件')
    expect(await textOf(resident, '#reward-balance')).toBe('400，兑换后剩 300')
    const { dialog, code } = await redeem(resident)
    expect(dialog).toContain('限兑：每人 2 件，已兑 1 件')
    codes.push(code)

    await resident.goBack()
    await resident.locator('.reward-card').filter({ hasText: '洗衣液一瓶' }).click()
    await expect.poll(() => textOf(resident, '#reward-limit'), { timeout: 10_000 }).toBe('2 件，我已兑 2 件')
    expect(await textOf(resident, '#reward-blocked')).toBe('已达每人限兑 2 件')
    expect(await isDisabled(resident.locator('#redeem'))).toBe(true)
    await resident.context().close()
  })

  it('says how many points are missing, and keeps the button off, for a resident who cannot afford it', async () => {
    const page = await openPhone(browser, server.url)
    await page.locator('#dev-handle input').fill('newcomer-with-80')
    await page.locator('#dev-login').click()
    await expect.poll(() => page.locator('.weui-tabbar__label').first().isVisible(), { timeout: 15_000 }).toBe(true)
    const user = (await usersRepo.findByOpenid(server.database.db, 'dev:newcomer-with-80'))!
    await server.make.givePoints(user.id, 80)
    await openTab(page, '积分')
    await page.locator('#mall-entry').click()
    // A newcomer first chooses their community.
    await page.locator('#community-picker').click()
    await page.locator('.weui-picker__action').filter({ hasText: '确定' }).click() // the first: 幸福里社区
    await expect.poll(() => textOf(page, '#community-picker')).toContain('幸福里社区')
    await page.locator('#community-save').click()
    await page.locator('.reward-card').filter({ hasText: '洗衣液一瓶' }).click()
    await expect.poll(() => textOf(page, '#reward-balance'), { timeout: 10_000 }).toBe('80，还差 20 积分')
    expect(await textOf(page, '#reward-blocked')).toBe('积分不足，还差 20 积分')
    expect(await isDisabled(page.locator('#redeem'))).toBe(true)
    await page.context().close()
  })

  it('finds a code that staff type as they hear it, and says 领取码无效 for one that does not exist', async () => {
    const staff = await openPhone(browser, server.url)
    await staff.locator('#staff-username input').fill('staff')
    await staff.locator('#staff-password input').fill(DEMO_PASSWORD)
    await staff.locator('#staff-login').click()
    await expect.poll(() => staff.getByText('你好，幸福里社区 王敏').isVisible(), { timeout: 15_000 }).toBe(true)
    await openTab(staff, '我的')
    await staff.locator('#workbench-entry').click()
    await staff.locator('#wb-pickup').click()
    await expect.poll(() => staff.locator('#pickup-code').isVisible(), { timeout: 10_000 }).toBe(true)

    await staff.locator('#pickup-code input').fill('ZZZZ ZZZZ ZZZZ ZZZZ')
    await staff.locator('#pickup-lookup').click()
    await expect.poll(() => textOf(staff, '#pickup-error'), { timeout: 10_000 }).toBe('领取码无效，请核对后重新输入')
    expect(await staff.locator('#pickup-fulfil').count()).toBe(0)

    // Read aloud in groups, in lower case, without the hyphens.
    const spoken = codes[0]!.replace(/-/g, ' ').toLowerCase()
    await staff.locator('#pickup-code input').fill(spoken)
    await staff.locator('#pickup-lookup').click()
    await expect.poll(() => textOf(staff, '#pickup-reward'), { timeout: 10_000 }).toBe('洗衣液一瓶')
    expect(await staff.locator('#pickup-error').count()).toBe(0)
    expect(await staff.locator('#pickup-code input').inputValue()).toBe(codes[0])
    await staff.locator('#pickup-fulfil').click()
    await expect.poll(() => textOf(staff, '#pickup-status'), { timeout: 10_000 }).toBe('已领取')
    await saveScreen(staff, 'workbench-pickup')

    await staff.locator('#pickup-code input').fill(codes[1]!.replace(/-/g, ''))
    await staff.locator('#pickup-lookup').click()
    await expect.poll(() => textOf(staff, '#pickup-status'), { timeout: 10_000 }).toBe('待领取')
    await staff.context().close()
  })
})
