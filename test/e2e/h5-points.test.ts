import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { balanceOf } from '../../server/src/ledger'
import { usersRepo } from '../../server/src/repositories/users'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium, openPhone } from '../support/browser'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')
const STAFF_PASSWORD = 'anju-demo-2026'
const PICKUP_CODE = /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/
const DEMO_POINTS = 500

/**
 * The points journey on the h5 build, against the real server and its demo data: the demo resident
 * (500 points, 幸福里社区) redeems a reward and shows its code; staff hand it over; a second staff
 * account approves the good-deed award the first one proposed; a redemption is cancelled and refunded; staff
 * find the demo resident by name, propose a good-deed award from the form and a second account rejects it; a
 * newcomer chooses a community. The tests share one server and run in order: balances carry from one to the next.
 */
describe('points and rewards mall in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let resident: Page
  let pickupCode = ''

  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD } })
    expect(await balanceOf(server.database.db, (await usersRepo.findByOpenid(server.database.db, 'dev:demo'))!.id)).toBe(DEMO_POINTS)
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const openApp = (): Promise<Page> => openPhone(browser, server.url)

  async function staffLogin(username: string, greeting: string): Promise<Page> {
    const page = await openApp()
    await page.locator('#staff-username input').fill(username)
    await page.locator('#staff-password input').fill(STAFF_PASSWORD)
    await page.locator('#staff-login').click()
    await expect.poll(() => page.getByText(`你好，${greeting}`).isVisible(), { timeout: 15_000 }).toBe(true)
    return page
  }

  async function openTab(page: Page, label: string) {
    await page.locator('.weui-tabbar__label').filter({ hasText: new RegExp(`^${label}$`) }).click()
  }

  async function openWorkbenchTool(page: Page, toolId: string) {
    await openTab(page, '我的')
    await page.locator('#workbench-entry').click()
    await page.locator(`#${toolId}`).click()
  }

  /** Confirms the Taro modal on screen, after checking what it asks. */
  async function confirmModal(page: Page, question: string) {
    const modal = page.locator('.taro-modal__content')
    await expect.poll(() => modal.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await modal.textContent()).toContain(question)
    await modal.locator('.taro-model__confirm').click()
  }

  const textOf = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim()

  it('shows the demo resident 500 points, the pending award and the entry history', async () => {
    resident = await openApp()
    await resident.locator('#dev-login').click()
    await expect.poll(() => resident.getByText('你好，演示居民').isVisible(), { timeout: 15_000 }).toBe(true)

    await openTab(resident, '积分')
    await expect.poll(() => textOf(resident, '#points-balance'), { timeout: 10_000 }).toBe('500')
    expect(await textOf(resident, '#points-pending')).toBe('待审核 30')
    expect(await textOf(resident, '#points-lifetime')).toBe('累计获得 500')
    expect(await resident.locator('.points__pending').textContent()).toContain('好人好事：帮助走失老人回家')
    const welcome = resident.locator('.points__entries .ledger-row').filter({ hasText: '好人好事：协助社区开展消防安全宣传' })
    expect(await welcome.count()).toBe(1)
    expect(await welcome.locator('.ledger-row__amount').textContent()).toMatch(/^\+\d+$/)
  })

  it('redeems 洗衣液一瓶 after confirming, and shows the QR code and pickup code', async () => {
    await resident.locator('#mall-entry').click()
    const card = resident.locator('.reward-card').filter({ hasText: '洗衣液一瓶' })
    await expect.poll(() => card.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await card.textContent()).toContain('100积分')
    expect(await card.textContent()).toContain('幸福里社区')
    await expect.poll(() => textOf(resident, '#mall-balance')).toBe('500')

    await card.click()
    await expect.poll(() => textOf(resident, '#reward-title'), { timeout: 10_000 }).toBe('洗衣液一瓶')
    expect(await resident.getByText('幸福里社区服务中心一楼').isVisible()).toBe(true)
    await resident.locator('#redeem').click()
    await confirmModal(resident, '确认使用 100 积分兑换「洗衣液一瓶」？')

    const qr = resident.locator('#redemption-qr img')
    await expect.poll(() => qr.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/)
    pickupCode = await textOf(resident, '#redemption-code')
    expect(pickupCode).toMatch(PICKUP_CODE)
    expect(await resident.locator('.redemption').textContent()).toContain('待领取')
    expect(await resident.locator('#cancel-redemption').isVisible()).toBe(true)
  })

  it('shows the balance as 400 once back on the points tab', async () => {
    await resident.goBack() // the redemption replaced the detail page: back is the mall
    await expect.poll(() => textOf(resident, '#mall-balance'), { timeout: 10_000 }).toBe('400')
    await resident.goBack()
    await expect.poll(() => textOf(resident, '#points-balance'), { timeout: 10_000 }).toBe('400')
    const latest = resident.locator('.points__entries .ledger-row').first()
    expect(await latest.textContent()).toContain('兑换「洗衣液一瓶」')
    expect(await latest.locator('.ledger-row__amount').textContent()).toBe('-100')
  })

  it('lets staff look the code up by hand on h5 and hand the reward over', async () => {
    expect(pickupCode).toMatch(PICKUP_CODE)
    const staff = await staffLogin('staff', '幸福里社区 王敏')
    await openWorkbenchTool(staff, 'wb-pickup')
    // h5 has no scanner: only manual entry is offered.
    await expect.poll(() => staff.locator('#pickup-code').isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await staff.locator('#pickup-scan').count()).toBe(0)

    await staff.locator('#pickup-code input').fill(pickupCode.toLowerCase())
    await staff.locator('#pickup-lookup').click()
    await expect.poll(() => textOf(staff, '#pickup-reward'), { timeout: 10_000 }).toBe('洗衣液一瓶')
    expect(await textOf(staff, '#pickup-resident')).toBe('演示居民')
    expect(await textOf(staff, '#pickup-status')).toBe('待领取')

    await staff.locator('#pickup-fulfil').click()
    await expect.poll(() => textOf(staff, '#pickup-status'), { timeout: 10_000 }).toBe('已领取')
    expect(await staff.locator('#pickup-fulfil').count()).toBe(0)
    await staff.context().close()

    // The resident's list of redemptions says so too.
    await resident.locator('#redemptions-entry').click()
    const row = resident.locator('.redemption-card').filter({ hasText: '洗衣液一瓶' })
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('已领取')
  })

  it('keeps the proposer from approving their own good-deed award, and a second account approves it', async () => {
    const awardText = '好人好事：帮助走失老人回家'

    const proposer = await staffLogin('staff', '幸福里社区 王敏')
    await openWorkbenchTool(proposer, 'wb-awards')
    const own = proposer.locator('.award-card').filter({ hasText: awardText })
    await expect.poll(() => own.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await own.textContent()).toContain('由您提出，须由另一名工作人员审核')
    expect(await own.locator('.award-card__approve').count()).toBe(0)
    await proposer.context().close()

    const centre = await staffLogin('centre', '街道综治中心')
    await openWorkbenchTool(centre, 'wb-awards')
    const card = centre.locator('.award-card').filter({ hasText: awardText })
    await expect.poll(() => card.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await card.textContent()).toContain('+30')
    await card.locator('.award-card__check').click()
    await expect.poll(() => textOf(centre, '#batch-approve')).toBe('批量通过（1）')
    await centre.locator('#batch-approve').click()
    await confirmModal(centre, '确定通过选中的 1 项奖励（共 30 积分）吗？')
    await expect.poll(() => card.locator('.award-card__outcome').textContent(), { timeout: 10_000 }).toBe('已通过，发放 30 积分')
    expect(await textOf(centre, '#batch-summary')).toBe('已通过 1 项')
    await centre.context().close()

    // The resident's points tab now counts it: 500 − 100 + 30.
    await resident.goBack()
    await expect.poll(() => textOf(resident, '#points-balance'), { timeout: 10_000 }).toBe('430')
    expect(await textOf(resident, '#points-pending')).toBe('待审核 0')
    await resident.context().close()
  })

  it('cancels a redemption before pickup, after confirming, and refunds the points', async () => {
    const page = await openApp()
    await page.locator('#dev-login').click()
    await expect.poll(() => page.getByText('你好，演示居民').isVisible(), { timeout: 15_000 }).toBe(true)
    await openTab(page, '积分')
    await expect.poll(() => textOf(page, '#points-balance'), { timeout: 10_000 }).toBe('430')

    await page.locator('#mall-entry').click()
    await page.locator('.reward-card').filter({ hasText: '社区理发券' }).click()
    await expect.poll(() => textOf(page, '#reward-title'), { timeout: 10_000 }).toBe('社区理发券')
    await page.locator('#redeem').click()
    await confirmModal(page, '确认使用 60 积分兑换「社区理发券」？')
    await expect.poll(() => page.locator('#cancel-redemption').isVisible(), { timeout: 10_000 }).toBe(true)

    await page.locator('#cancel-redemption').click()
    await confirmModal(page, '确定取消兑换「社区理发券」吗？60 积分将退回您的账户。')
    await expect.poll(() => page.locator('.redemption .status-chip').textContent(), { timeout: 10_000 }).toBe('已取消')
    expect(await page.locator('#redemption-qr').count()).toBe(0)
    expect(await page.locator('#cancel-redemption').count()).toBe(0)

    await page.goBack()
    await page.goBack()
    // The tab showed 430 before the redemption too: wait for the refund itself.
    const latest = page.locator('.points__entries .ledger-row').first()
    await expect.poll(() => latest.textContent(), { timeout: 10_000 }).toContain('兑换退回「社区理发券」')
    expect(await textOf(page, '#points-balance')).toBe('430')
    expect(await latest.locator('.ledger-row__amount').textContent()).toBe('+60')
    await page.context().close()
  })

  it('lets staff find the resident by name, propose a good-deed award, and a second account reject it with a reason', async () => {
    const demo = (await usersRepo.findByOpenid(server.database.db, 'dev:demo'))!
    const staff = await staffLogin('staff', '幸福里社区 王敏')
    await openWorkbenchTool(staff, 'wb-manual-award')
    await expect.poll(() => staff.locator('#manual-submit').isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await staff.getByText('须由另一名工作人员在「积分审核」中通过后才会发放').isVisible()).toBe(true)

    // Submitting before choosing anyone is stopped on the page.
    await staff.locator('#manual-submit').click()
    await expect.poll(() => staff.getByText('请先查找并选择要奖励的居民').isVisible()).toBe(true)

    const search = staff.locator('#manual-resident-search input')
    await search.fill('演')
    await expect.poll(() => staff.getByText('按姓名查找请至少输入 2 个字').isVisible()).toBe(true)
    await search.fill('查无此人')
    await expect.poll(() => staff.getByText('没有找到符合条件的居民').isVisible(), { timeout: 10_000 }).toBe(true)
    await search.fill('演示')
    const option = staff.locator('.resident-option').filter({ hasText: '演示居民' })
    await expect.poll(() => option.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await option.textContent()).toContain(`幸福里社区 · 编号 ${demo.id}`)
    await option.click()
    await expect.poll(() => textOf(staff, '#manual-resident-name'), { timeout: 10_000 }).toBe('演示居民')
    expect(await textOf(staff, '#manual-resident-community')).toBe('幸福里社区')
    expect(await textOf(staff, '#manual-resident-id')).toBe(String(demo.id))
    expect(await staff.locator('.resident-option').count()).toBe(0)

    await staff.locator('#manual-points input').fill('20')
    await staff.locator('#manual-reason textarea').fill('雨夜协助疏导积水路段交通')
    await staff.locator('#manual-submit').click()
    await expect.poll(() => textOf(staff, '#manual-award-done'), { timeout: 10_000 }).toBe('已为 演示居民 提出 20 积分奖励，等待其他工作人员审核。')
    // The form starts over: no one is chosen for the next award.
    expect(await staff.locator('#manual-resident').count()).toBe(0)
    expect(await search.inputValue()).toBe('')

    // Opened with ?userId=, the page starts with that resident chosen.
    await staff.goto(`${server.url}/#/packages/workbench/pages/manual-award/index?userId=${demo.id}`)
    await expect.poll(() => textOf(staff, '#manual-resident-name'), { timeout: 10_000 }).toBe('演示居民')
    expect(await textOf(staff, '#manual-resident-id')).toBe(String(demo.id))
    await staff.context().close()

    const centre = await staffLogin('centre', '街道综治中心')
    await openWorkbenchTool(centre, 'wb-awards')
    const card = centre.locator('.award-card').filter({ hasText: '好人好事：雨夜协助疏导积水路段交通' })
    await expect.poll(() => card.isVisible(), { timeout: 10_000 }).toBe(true)
    await card.locator('.award-card__reject-button').click()
    await card.locator('textarea').fill('经核实为工作人员职责范围')
    await card.locator('.reject-form__confirm').click()
    await expect.poll(() => card.locator('.award-card__outcome').textContent(), { timeout: 10_000 }).toBe('已驳回：经核实为工作人员职责范围')
    expect(await card.locator('.award-card__approve').count()).toBe(0)
    await centre.context().close()
  })

  it('asks a resident without a community to choose one, then shows that community\'s rewards', async () => {
    const page = await openApp()
    await page.locator('#dev-handle input').fill('newcomer')
    await page.locator('#dev-login').click()
    await expect.poll(() => page.locator('.weui-tabbar__label').first().isVisible(), { timeout: 15_000 }).toBe(true)
    await openTab(page, '积分')
    await expect.poll(() => textOf(page, '#points-balance'), { timeout: 10_000 }).toBe('0')
    expect(await page.getByText('暂无积分记录').isVisible()).toBe(true)

    await page.locator('#mall-entry').click()
    await expect.poll(() => page.locator('#community-picker').isVisible(), { timeout: 10_000 }).toBe(true)
    // Only city-wide rewards until a community is chosen.
    await expect.poll(() => page.locator('.reward-card').count()).toBeGreaterThan(0)
    expect(await page.locator('.reward-card').filter({ hasText: '洗衣液一瓶' }).count()).toBe(0)

    await page.locator('#community-picker').click()
    const picker = page.locator('.weui-picker')
    await expect.poll(() => picker.isVisible(), { timeout: 5_000 }).toBe(true)
    expect(await picker.locator('.weui-picker__item').allTextContents()).toEqual(['建设路街道 · 幸福里社区', '建设路街道 · 和平社区'])
    await picker.locator('.weui-picker__action').filter({ hasText: '确定' }).click()
    await expect.poll(() => textOf(page, '#community-picker')).toContain('幸福里社区')
    await page.locator('#community-save').click()

    await expect.poll(() => page.locator('.reward-card').filter({ hasText: '洗衣液一瓶' }).isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await page.locator('#community-picker').count()).toBe(0)
    expect(await page.locator('.mall__region').textContent()).toContain('幸福里社区')
    await page.context().close()
  })
})
