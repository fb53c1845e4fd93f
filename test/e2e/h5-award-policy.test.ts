import path from 'node:path'
import type { Browser, Page, Route } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../server/src/db/seeds/demo'
import { regionsRepo } from '../../server/src/repositories/regions'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium, openPhone } from '../support/browser'
import { saveScreen } from '../support/screens'
import { pickOption } from '../support/taro'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')
const SETTINGS_API = '/api/admin/award-settings'
const RULES_API = '/api/admin/award-rules'
const XFL = '建设路街道 · 幸福里社区'

/**
 * 积分规则 on the h5 build, against the real server and its demo data (city rules violation 10, hazard 20,
 * complaint 5, patrol 10; 幸福里社区 and 和平社区 with their own budget and caps). The city administrator reads
 * the city's policy and 幸福里's, is stopped on a validity of 0 months, sets 幸福里's validity and budget,
 * and gives 幸福里 its own violation rule (after a lost answer); 幸福里's staff then read it all without being
 * offered any change. The tests share one server and run in order.
 */
describe('award policy in the workbench, in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let admin: Page
  let xflId = 0
  let cityId = 0
  /** The Idempotency-Key of every POST the page sent, per endpoint. */
  const keys: Record<string, string[]> = { [SETTINGS_API]: [], [RULES_API]: [] }

  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD } })
    browser = await launchChromium()
    xflId = (await regionsRepo.findByCode(server.database.db, 'XT-YT-JSL-XFL'))!.id
    cityId = (await regionsRepo.findByCode(server.database.db, 'XT'))!.id
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const openApp = (): Promise<Page> => openPhone(browser, server.url)
  const textOf = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim()
  const settingsRow = () => server.database.db('award_settings').where({ region_id: xflId }).first()
  const rulesOf = (regionId: number) => server.database.db('award_rules').where({ region_id: regionId }).orderBy('kind')

  async function staffLogin(username: string, greeting: string): Promise<Page> {
    const page = await openApp()
    await page.locator('#staff-username input').fill(username)
    await page.locator('#staff-password input').fill(DEMO_PASSWORD)
    await page.locator('#staff-login').click()
    await expect.poll(() => page.getByText(`你好，${greeting}`).isVisible(), { timeout: 15_000 }).toBe(true)
    return page
  }

  async function openPolicy(page: Page) {
    await page.locator('.weui-tabbar__label').filter({ hasText: /^我的$/ }).click()
    await page.locator('#workbench-entry').click()
    await page.locator('#wb-award-policy').click()
  }

  /** The rules for a whole kind on screen, one line each: kind, category, where from, points, how granted. */
  async function rulesShown(page: Page) {
    const rows = page.locator('.policy-rule[id$="-all"]')
    return (await rows.evaluateAll((els) => els.map((el) => [
      el.querySelector('.policy-rule__kind')?.textContent,
      el.querySelector('.policy-rule__category')?.textContent,
      el.querySelector('.policy-rule__from')?.textContent,
      el.querySelector('.policy-rule__points')?.textContent,
      el.querySelector('.policy-rule__mode')?.textContent,
    ].join(' | '))))
  }

  it('shows the administrator the city\'s rules, then 幸福里社区\'s own settings and the rules it inherits', async () => {
    admin = await staffLogin('admin', '市级管理员')
    admin.on('request', (req) => {
      const { pathname } = new URL(req.url())
      if (req.method() === 'POST' && pathname in keys) keys[pathname]!.push(req.headers()['idempotency-key'] ?? '')
    })
    await openPolicy(admin)

    await expect.poll(() => textOf(admin, '#policy-settings-source'), { timeout: 10_000 }).toBe('尚未设置')
    expect(await textOf(admin, '#policy-region')).toContain('湘潭市')
    expect(await rulesShown(admin)).toEqual([
      '诉求办结 | 全部类别 | 本区域 | 5 积分 | 需审核',
      '隐患线索确认 | 全部类别 | 本区域 | 20 积分 | 需审核',
      '有效巡逻 | 全部类别 | 本区域 | 10 积分 | 需审核',
      '违法举报核实 | 全部类别 | 本区域 | 10 积分 | 需审核',
    ])
    expect(await textOf(admin, '#policy-budget')).toBe('不限')
    expect(await textOf(admin, '#policy-validity')).toBe('永不过期')
    expect(await textOf(admin, '#policy-settings-hint')).toBe('保存后本区域及未单独设置的下级区域按此执行')
    expect(await admin.locator('#policy-readonly').count()).toBe(0)

    await admin.locator('#policy-region').click()
    // The user's area without its grids, in tree order, named as places.
    const items = admin.locator('.weui-picker').filter({ visible: true }).locator('.weui-picker__item')
    await expect.poll(() => items.allTextContents(), { timeout: 5_000 }).toEqual(['湘潭市', '岳塘区', '建设路街道', XFL, '建设路街道 · 和平社区'])
    await pickOption(admin, XFL)

    await expect.poll(() => textOf(admin, '#policy-settings-source'), { timeout: 10_000 }).toBe('本区域设置')
    expect(await textOf(admin, '#policy-region')).toContain(XFL)
    expect(await textOf(admin, '#policy-budget')).toBe('20000 积分')
    expect(await textOf(admin, '#policy-used')).toMatch(/^本月已用 \d+ 积分$/)
    expect(await textOf(admin, '#policy-daily-cap')).toBe('100 积分')
    expect(await textOf(admin, '#policy-monthly-cap')).toBe('1000 积分')
    expect(await textOf(admin, '#policy-validity')).toBe('永不过期')
    // Its own settings row: saving changes it, nothing to warn about.
    expect(await admin.locator('#policy-settings-hint').count()).toBe(0)
    expect(await rulesShown(admin)).toEqual([
      '诉求办结 | 全部类别 | 沿用「湘潭市」 | 5 积分 | 需审核',
      '隐患线索确认 | 全部类别 | 沿用「湘潭市」 | 20 积分 | 需审核',
      '有效巡逻 | 全部类别 | 沿用「湘潭市」 | 10 积分 | 需审核',
      '违法举报核实 | 全部类别 | 沿用「湘潭市」 | 10 积分 | 需审核',
    ])
    // The form starts from what is in force.
    expect(await admin.locator('#policy-monthlyBudget input').inputValue()).toBe('20000')
    expect(await admin.locator('#policy-pointsValidMonths').count()).toBe(0)
  })

  it('refuses a validity of 0 months in Chinese and saves nothing', async () => {
    const before = await settingsRow()
    await admin.locator('#policy-off-pointsValidMonths').click()
    await admin.locator('#policy-pointsValidMonths input').fill('0')
    await admin.locator('#policy-settings-save').click()
    await expect.poll(() => textOf(admin, '#policy-settings-error')).toBe('积分有效期至少 1 个月')

    await admin.locator('#policy-pointsValidMonths input').fill('')
    await admin.locator('#policy-settings-save').click()
    await expect.poll(() => textOf(admin, '#policy-settings-error')).toBe('请填写积分有效期')

    expect(keys[SETTINGS_API]).toEqual([])
    expect(await settingsRow()).toEqual(before)
    expect(await textOf(admin, '#policy-validity')).toBe('永不过期')
  })

  it('sets 积分有效期 12 个月 and a monthly budget of 5000 on 幸福里社区', async () => {
    await admin.locator('#policy-pointsValidMonths input').fill('12')
    await admin.locator('#policy-monthlyBudget input').fill('5000')
    await admin.locator('#policy-settings-save').click()

    await expect.poll(() => admin.locator('.taro__toast').getByText('已保存').isVisible(), { timeout: 10_000 }).toBe(true)
    await expect.poll(() => textOf(admin, '#policy-validity'), { timeout: 10_000 }).toBe('12 个月')
    expect(await textOf(admin, '#policy-budget')).toBe('5000 积分')
    expect(await textOf(admin, '#policy-daily-cap')).toBe('100 积分')
    expect(await admin.locator('#policy-settings-error').count()).toBe(0)
    expect(await settingsRow()).toMatchObject({ monthly_budget: 5000, daily_cap_per_resident: 100, monthly_cap_per_resident: 1000, points_valid_months: 12 })
    expect(keys[SETTINGS_API]).toHaveLength(1)

    const token = await server.http.staffToken('staff')
    const policy = await server.http.get(`/api/admin/award-policy?regionId=${xflId}`, { token })
    expect(policy.status).toBe(200)
    expect(policy.body.settings).toMatchObject({ fromRegion: { id: xflId }, monthlyBudget: 5000, pointsValidMonths: 12 })
  })

  it('gives 幸福里社区 its own violation rule of 15 points with 自动发放, once when the first answer is lost', async () => {
    await admin.locator('#policy-rule-violation-all .policy-rule__edit').click()
    await expect.poll(() => admin.locator('#policy-rule-points input').inputValue()).toBe('10')
    expect(await textOf(admin, '#policy-rule-kind')).toContain('违法举报核实')
    expect(await textOf(admin, '#policy-rule-category')).toContain('全部类别')
    expect(await textOf(admin, '#policy-rule-hint')).toBe('保存后本区域及下级区域改用此规则，不再沿用「湘潭市」的规则')

    await admin.locator('#policy-rule-points input').fill('0')
    await admin.locator('#policy-rule-save').click()
    await expect.poll(() => textOf(admin, '#policy-rule-error')).toBe('积分至少为 1')
    expect(keys[RULES_API]).toEqual([])

    await admin.locator('#policy-rule-points input').fill('15')
    await admin.locator('#policy-rule-auto').click()
    // The server gets each attempt, but the answers never reach the phone.
    const loseAnswers = async (route: Route) => {
      if (route.request().method() !== 'POST') return route.continue()
      await route.fetch()
      await route.abort('failed')
    }
    await admin.route(`**${RULES_API}`, loseAnswers)
    await admin.locator('#policy-rule-save').click()
    await expect.poll(() => textOf(admin, '#policy-rule-error'), { timeout: 15_000 }).toBe('网络连接失败，请检查网络后重试')
    await admin.unroute(`**${RULES_API}`, loseAnswers)

    await admin.locator('#policy-rule-save').click()
    const violation = admin.locator('#policy-rule-violation-all')
    await expect.poll(async () => (await violation.textContent()) ?? '', { timeout: 10_000 }).toContain('15 积分')
    expect(await violation.locator('.policy-rule__mode').textContent()).toBe('自动发放')
    expect(await violation.locator('.policy-rule__from').textContent()).toBe('本区域')
    expect(await textOf(admin, '#policy-rule-hint')).toBe('将修改本区域的这条规则')
    // One action, one key, however often it was sent.
    expect(keys[RULES_API]!.length).toBeGreaterThanOrEqual(2)
    expect(new Set(keys[RULES_API]).size).toBe(1)

    expect(await rulesOf(xflId)).toEqual([expect.objectContaining({ kind: 'violation', category_code: '', points: 15 })])
    expect(Boolean((await rulesOf(xflId))[0].auto_approve)).toBe(true)
    expect((await rulesOf(cityId)).filter((r: { category_code: string }) => r.category_code === '').map((r: { kind: string; points: number }) => [r.kind, r.points])).toEqual([
      ['complaint', 5], ['hazard', 20], ['patrol', 10], ['violation', 10],
    ])
    // 幸福里's rule for every violation is nearer than the city's rule per category: 违章停车 now pays 15.
    await expect.poll(() => textOf(admin, '#policy-category-illegal_parking .policy-rule__points')).toBe('15 积分')
    expect(await textOf(admin, '#policy-category-noise .policy-rule__points')).toBe('2 积分')
    const token = await server.http.staffToken('staff')
    const policy = await server.http.get(`/api/admin/award-policy?regionId=${xflId}`, { token })
    expect(policy.body.rules).toContainEqual({ fromRegion: expect.objectContaining({ id: xflId }), kind: 'violation', categoryCode: '', points: 15, autoApprove: true })
    await admin.context().close()
  })

  it('shows 幸福里社区 staff the policy read-only, with no way to change it', async () => {
    const staff = await staffLogin('staff', '幸福里社区 王敏')
    await openPolicy(staff)
    await expect.poll(() => textOf(staff, '#policy-validity'), { timeout: 10_000 }).toBe('12 个月')
    expect(await textOf(staff, '#policy-region')).toBe('幸福里社区')
    expect(await textOf(staff, '#policy-readonly')).toBe('仅管理员可以修改积分规则、预算与上限，您可以查看')
    expect(await textOf(staff, '#policy-budget')).toBe('5000 积分')
    expect(await textOf(staff, '#policy-settings-source')).toBe('本区域设置')
    expect(await rulesShown(staff)).toContain('违法举报核实 | 全部类别 | 本区域 | 15 积分 | 自动发放')
    expect(await staff.locator('#policy-settings-save').count()).toBe(0)
    expect(await staff.locator('#policy-rule-save').count()).toBe(0)
    expect(await staff.locator('.policy-rule__edit').count()).toBe(0)
    expect(await staff.locator('#policy-monthlyBudget').count()).toBe(0)
    await staff.context().close()
  })

  it('shows a resident of 幸福里社区 on 积分攻略 what each report pays, the same as the award would, and the caps', async () => {
    const resident = await openApp()
    await resident.locator('#dev-login').click()
    await expect.poll(() => resident.getByText('你好，演示居民').isVisible(), { timeout: 15_000 }).toBe(true)
    await resident.locator('.weui-tabbar__label').filter({ hasText: /^积分$/ }).click()
    await resident.locator('#guide-entry').click()
    await expect.poll(() => textOf(resident, '#guide-category-illegal_parking .guide-row__points'), { timeout: 10_000 }).toBe('+15')
    expect(await textOf(resident, '#guide-category-noise .guide-row__points')).toBe('+2')
    expect(await textOf(resident, '#guide-patrol .guide-row__points')).toBe('+10')
    expect(await textOf(resident, '#guide-daily')).toMatch(/^每日上限：100 积分，已获得 \d+，还可获得 \d+$/)
    expect(await textOf(resident, '#guide-validity')).toBe('积分获得后 12 个月内有效，过期作废')
    await saveScreen(resident, 'points-guide', { fullPage: true })
    // What the page shows is what the server pays: the same resolution the award path uses.
    const token = await server.http.staffToken('staff')
    const policy = await server.http.get(`/api/admin/award-policy?regionId=${xflId}`, { token })
    const parking = policy.body.categories.find((c: { code: string }) => c.code === 'illegal_parking')
    expect(parking.points).toBe(15)
    await resident.context().close()
  })
})
