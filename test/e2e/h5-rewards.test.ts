import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Locator, Page, Route } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../server/src/db/seeds/demo'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { launchChromium, openPhone } from '../support/browser'

const H5_BUILD = path.resolve(import.meta.dirname, '../../miniapp/dist/h5')
const TITLE = '社区电影票'
const REWARDS_API = '/api/staff/rewards'

/**
 * 礼品管理 on the h5 build, against the real server and its demo data: 幸福里社区 staff put a reward up through
 * the form (after two refusals, with a picture, and through a lost answer), the community's resident sees it in
 * the mall, staff change its stock and take it down, and it leaves the mall. The tests share one server and run
 * in order.
 */
describe('rewards catalogue in the workbench, in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let staff: Page
  let resident: Page
  /** The Idempotency-Key of every POST the form sent to create a reward. */
  const createKeys: string[] = []
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-h5-reward-images-'))

  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD, UPLOAD_DIR: uploadDir } })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    fs.rmSync(uploadDir, { recursive: true, force: true })
  })

  const openApp = (): Promise<Page> => openPhone(browser, server.url)
  const textOf = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim()
  const rewardsTitled = (title: string) => server.database.db('rewards').where({ title })
  const rewardCount = async () => Number((await server.database.db('rewards').count({ n: '*' }).first())!.n)
  const staffRow = () => staff.locator('.reward-row').filter({ hasText: TITLE })

  const uploadCount = async () => Number((await server.database.db('uploads').count({ n: '*' }).first())!.n)
  const png = (colour: string) => sharp({ create: { width: 48, height: 32, channels: 3, background: colour } }).png().toBuffer()

  /** Picks a PNG in the file chooser that `trigger` opens, and waits until the form has uploaded it. */
  async function choosePicture(trigger: Locator, colour: string) {
    const before = await uploadCount()
    const chooser = staff.waitForEvent('filechooser')
    await trigger.click()
    await (await chooser).setFiles({ name: 'reward.png', mimeType: 'image/png', buffer: await png(colour) })
    await expect.poll(uploadCount, { timeout: 15_000 }).toBe(before + 1)
    await expect.poll(() => staff.locator('#rf-image-uploading').count(), { timeout: 10_000 }).toBe(0)
  }

  /** The <img> inside `scope` has loaded, and its address answers an image. */
  async function expectPictureShown(scope: Locator) {
    const img = scope.locator('img')
    await expect.poll(() => img.evaluate((el) => { const image = el as unknown as { complete: boolean; naturalWidth: number }; return image.complete && image.naturalWidth > 0 }), { timeout: 15_000 }).toBe(true)
    const src = await img.evaluate((el) => (el as unknown as { src: string }).src)
    expect(new URL(src).pathname).toMatch(/^\/api\/files\/[a-f0-9]{32}$/)
    const res = await fetch(src)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    return new URL(src).pathname.split('/').pop()!
  }

  async function openTab(page: Page, label: string) {
    await page.locator('.weui-tabbar__label').filter({ hasText: new RegExp(`^${label}$`) }).click()
  }

  /** Confirms the Taro modal on screen, after checking what it asks. */
  async function confirmModal(page: Page, question: string) {
    const modal = page.locator('.taro-modal__content')
    await expect.poll(() => modal.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await modal.textContent()).toContain(question)
    await modal.locator('.taro-model__confirm').click()
  }

  it('lists the community\'s rewards from the workbench, and refuses an empty title or 0 points in Chinese without sending anything', async () => {
    staff = await openApp()
    await staff.locator('#staff-username input').fill('staff')
    await staff.locator('#staff-password input').fill(DEMO_PASSWORD)
    await staff.locator('#staff-login').click()
    await expect.poll(() => staff.getByText('你好，幸福里社区 王敏').isVisible(), { timeout: 15_000 }).toBe(true)
    staff.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === REWARDS_API) createKeys.push(req.headers()['idempotency-key'] ?? '')
    })

    await openTab(staff, '我的')
    await staff.locator('#workbench-entry').click()
    await staff.locator('#wb-rewards').click()
    await expect.poll(() => staff.locator('.reward-row').filter({ hasText: '洗衣液一瓶' }).isVisible(), { timeout: 10_000 }).toBe(true)
    // Only 幸福里's own rewards: city-wide ones belong to the city's staff.
    expect(await staff.locator('.reward-row').count()).toBe(2)
    expect(await staff.locator('.reward-row').filter({ hasText: '公交卡充值' }).count()).toBe(0)
    expect(await staff.locator('.reward-row').filter({ hasText: '洗衣液一瓶' }).textContent()).toContain('兑换中')

    const before = await rewardCount()
    await staff.locator('#reward-new').click()
    await expect.poll(() => staff.locator('#rf-submit').isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await textOf(staff, '#rf-scope')).toBe('幸福里社区')

    await staff.locator('#rf-submit').click()
    await expect.poll(() => textOf(staff, '#rf-error')).toBe('标题至少 2 个字')

    await staff.locator('#rf-title input').fill(TITLE)
    await staff.locator('#rf-description textarea').fill('社区露天电影场次票一张')
    await staff.locator('#rf-points input').fill('0')
    await staff.locator('#rf-stock input').fill('5')
    await staff.locator('#rf-limit input').fill('2')
    await staff.locator('#rf-place input').fill('幸福里社区服务中心二楼')
    await staff.locator('#rf-instructions textarea').fill('放映前一小时凭领取码领取')
    await staff.locator('#rf-submit').click()
    await expect.poll(() => textOf(staff, '#rf-error')).toBe('所需积分至少为 1')

    expect(createKeys).toEqual([])
    expect(await rewardCount()).toBe(before)
  })

  it('attaches a picture from the album, shown as a preview with 更换 and 删除', async () => {
    await choosePicture(staff.locator('#rf-image-add'), '#ff7d00')
    expect(await staff.locator('#rf-image-preview img').count()).toBe(1)
    await staff.locator('#rf-image-remove').click()
    await expect.poll(() => staff.locator('#rf-image-add').isVisible()).toBe(true)
    expect(await staff.locator('#rf-image-preview').count()).toBe(0)

    await choosePicture(staff.locator('#rf-image-add'), '#00b42a')
    await choosePicture(staff.locator('#rf-image-change'), '#1677ff')
    expect(await staff.locator('#rf-image-preview img').count()).toBe(1)
    expect(createKeys).toEqual([])
  })

  it('puts the reward up once when the first answer is lost and staff press 上架 again, then lists it', async () => {
    // The server gets each attempt, but the answers never reach the phone.
    const loseAnswers = async (route: Route) => {
      if (route.request().method() !== 'POST') return route.continue()
      await route.fetch()
      await route.abort('failed')
    }
    await staff.route(`**${REWARDS_API}`, loseAnswers)
    await staff.locator('#rf-points input').fill('80')
    await staff.locator('#rf-submit').click()
    await expect.poll(() => textOf(staff, '#rf-error'), { timeout: 15_000 }).toBe('网络连接失败，请检查网络后重试')
    expect(await staff.locator('#rf-submit').isEnabled()).toBe(true)
    expect(await rewardsTitled(TITLE)).toHaveLength(1)
    await staff.unroute(`**${REWARDS_API}`, loseAnswers)

    await staff.locator('#rf-submit').click()
    await expect.poll(() => staffRow().isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await rewardsTitled(TITLE)).toHaveLength(1)
    // The client's own retries and the press of the button after them: one action, one key.
    expect(createKeys.length).toBeGreaterThanOrEqual(2)
    expect(new Set(createKeys).size).toBe(1)

    const row = (await staffRow().textContent()) ?? ''
    expect(row).toContain('80积分')
    expect(row).toContain('库存 剩余 5 / 共 5')
    expect(row).toContain('兑换中')
    expect(row).toContain('幸福里社区服务中心二楼')
    expect(await staff.locator('.reward-row').count()).toBe(3)

    // The last picture chosen, attached to the reward; the two set aside are left for the upload sweep.
    const [reward] = await rewardsTitled(TITLE)
    const [latest] = await server.database.db('uploads').orderBy('created_at', 'desc').limit(1)
    expect(reward.image_upload_id).toBe(latest.id)
    expect(latest.reward_id).toBe(reward.id)
    expect(await expectPictureShown(staffRow())).toBe(latest.id)
    const plain = staff.locator('.reward-row').filter({ hasText: '洗衣液一瓶' })
    expect(await plain.locator('img').count()).toBe(0)
    expect(await plain.locator('.reward-row__image--none').textContent()).toBe('暂无图片')
  })

  it('shows the new reward to a resident of 幸福里 in the mall', async () => {
    resident = await openApp()
    await resident.locator('#dev-login').click()
    await expect.poll(() => resident.getByText('你好，演示居民').isVisible(), { timeout: 15_000 }).toBe(true)
    await openTab(resident, '积分')
    await resident.locator('#mall-entry').click()
    const card = resident.locator('.reward-card').filter({ hasText: TITLE })
    await expect.poll(() => card.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await card.textContent()).toContain('80积分')
    expect(await card.textContent()).toContain('剩余 5 件')
    const [reward] = await rewardsTitled(TITLE)
    expect(await expectPictureShown(card)).toBe(reward.image_upload_id)
    const plain = resident.locator('.reward-card').filter({ hasText: '洗衣液一瓶' })
    expect(await plain.locator('img').count()).toBe(0)
    expect(await plain.locator('.reward-picture--none').textContent()).toBe('暂无图片')
  })

  it('changes the stock from the form, after showing the server\'s refusal when it would fall below what was redeemed', async () => {
    await staffRow().locator('.reward-row__edit').click()
    await expect.poll(() => staff.locator('#rf-title input').inputValue(), { timeout: 10_000 }).toBe(TITLE)
    const [saved] = await rewardsTitled(TITLE)
    expect(await expectPictureShown(staff.locator('#rf-image-preview'))).toBe(saved.image_upload_id)
    expect(await staff.locator('#rf-stock input').inputValue()).toBe('5')
    expect(await staff.locator('#rf-points input').inputValue()).toBe('80')
    expect(await textOf(staff, '#rf-stock-hint')).toContain('已兑出 0 件')

    // Someone redeems one while the form is open.
    const [reward] = await rewardsTitled(TITLE)
    const someone = await server.make.resident()
    await server.make.givePoints(someone.id, 100)
    expect((await server.http.post(`/api/rewards/${reward.id}/redeem`, undefined, { token: someone.token })).status).toBe(201)

    await staff.locator('#rf-stock input').fill('0')
    await staff.locator('#rf-submit').click()
    await expect.poll(() => textOf(staff, '#rf-error'), { timeout: 10_000 }).toBe('库存不能少于已兑出的数量')

    await staff.locator('#rf-stock input').fill('8')
    await staff.locator('#rf-submit').click()
    await expect.poll(async () => (await staffRow().textContent()) ?? '', { timeout: 10_000 }).toContain('库存 剩余 7 / 共 8')
    expect((await rewardsTitled(TITLE))[0]).toMatchObject({ stock_total: 8, stock_remaining: 7, points_cost: 80, image_upload_id: saved.image_upload_id })
  })

  it('takes the reward down after confirming: listed as 已下架 for staff, gone from the mall', async () => {
    await staffRow().locator('.reward-row__archive').click()
    await confirmModal(staff, `确定下架「${TITLE}」吗？`)
    await expect.poll(() => staffRow().locator('.reward-row__chip').textContent(), { timeout: 20_000 }).toBe('已下架')
    expect(await staffRow().locator('.reward-row__edit').count()).toBe(0)
    expect(await staffRow().locator('.reward-row__archive').count()).toBe(0)
    await expect.poll(() => staff.locator('.reward-row').count(), { timeout: 20_000 }).toBe(3)
    expect((await rewardsTitled(TITLE))[0]).toMatchObject({ status: 'archived' })
    await staff.context().close()

    await resident.goBack()
    await resident.locator('#mall-entry').click()
    const cards = resident.locator('.reward-card').filter({ visible: true })
    await expect.poll(() => cards.filter({ hasText: '洗衣液一瓶' }).count(), { timeout: 20_000 }).toBe(1)
    // The page the resident left may still be sliding away: wait for the fresh list alone.
    await expect.poll(() => cards.filter({ hasText: TITLE }).count(), { timeout: 20_000 }).toBe(0)
    await resident.context().close()
  })
})
