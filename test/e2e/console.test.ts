import path from 'node:path'
import ExcelJS from 'exceljs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../server/src/db/seeds/demo'
import { seedHistory } from '../../server/src/db/seeds/history'
import { pointInPolygon, type LatLng } from '../../server/src/lib/geo'
import { regionsRepo } from '../../server/src/repositories/regions'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { saveScreen } from '../support/screens'
import { launchChromium, openDesktop } from '../support/browser'

const CONSOLE_BUILD = path.resolve(import.meta.dirname, '../../console/dist')

/**
 * The governance console's build served by the real server at /console/, at 1280×800 in Chromium, over the
 * three months of demo history `npm start` seeds. The tests share one server and run in order.
 */
describe('governance console in Chromium', () => {
  let server: TestServer
  let browser: Browser
  let page: Page
  let jslId = 0
  let centreToken = ''

  beforeAll(async () => {
    server = await startTestServer('sqlite', { env: { CONSOLE_DIR: CONSOLE_BUILD } })
    await seedHistory(server.database.db)
    browser = await launchChromium()
    jslId = (await regionsRepo.findByCode(server.database.db, 'XT-YT-JSL'))!.id
    centreToken = await server.http.staffToken('centre')
  }, 240_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const text = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim()
  /** A page of its own, signed in as the city's administrator, on the overview. */
  async function adminLogin(): Promise<Page> {
    const admin = await openDesktop(browser, `${server.url}/console/`)
    await admin.locator('#login-username').fill('admin')
    await admin.locator('#login-password').fill(DEMO_PASSWORD)
    await admin.locator('#login-submit').click()
    await admin.waitForURL('**/console/overview**', { timeout: 15_000 })
    return admin
  }

  it('turns away a community staff account and lets the street centre in', async () => {
    page = await openDesktop(browser, `${server.url}/console/`)
    await page.locator('#login-username').fill('staff')
    await page.locator('#login-password').fill(DEMO_PASSWORD)
    await page.locator('#login-submit').click()
    await expect.poll(() => page.getByText('治理驾驶舱供综治中心和管理员使用').isVisible(), { timeout: 10_000 }).toBe(true)
    await page.locator('#login-username').fill('centre')
    await page.locator('#login-submit').click()
    await page.waitForURL('**/console/overview**', { timeout: 15_000 })
  })

  it('shows the street\'s overview from the demo data, the same figures as the API', async () => {
    const to = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    const from = new Date(Date.now() + 8 * 3600_000 - 29 * 86_400_000).toISOString().slice(0, 10)
    const api = await server.http.get(`/api/console/overview?regionId=${jslId}&from=${from}&to=${to}`, { token: centreToken })
    expect(api.body.cases.filed).toBeGreaterThan(200)
    await expect.poll(() => text('#kpi-filed .kpi__value'), { timeout: 15_000 }).toBe(String(api.body.cases.filed))
    expect(await text('#kpi-completion .kpi__value')).toBe(`${(api.body.cases.completionRate * 100).toFixed(1)}%`)
    expect(await page.locator('#by-child tbody tr').count()).toBe(api.body.children.length)
    expect(await page.locator('#by-child tbody tr').first().textContent()).toContain(api.body.children[0].key.name)
    expect(await page.locator('.chart svg').count()).toBeGreaterThanOrEqual(2)
    await saveScreen(page, 'console-overview')
  })

  it('opens the cases behind a figure and exports them to a spreadsheet that reads back the same', async () => {
    const closed = Number((await text('#kpi-completion .kpi__sub')).match(/办结 (\d+)/)![1])
    await page.locator('#outcomes a').filter({ hasText: '未能解决' }).click()
    await page.waitForURL('**/console/cases?**figure=not_fixed**')
    await expect.poll(() => page.locator('#case-list tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(0)
    const rows = await page.locator('#case-list tbody tr').count()
    expect(rows).toBeLessThan(closed)
    const firstRow = (await page.locator('#case-list tbody tr').first().locator('td').allTextContents()).map((t) => t.trim())
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#case-list .export-button').click()])
    expect(download.suggestedFilename()).toMatch(/^案件清单_未能解决_.*\.xlsx$/)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.readFile((await download.path())!)
    const sheet = workbook.worksheets[0]!
    expect(sheet.getRow(1).values).toEqual([undefined, '案件编号', '预警', '类别', '状态', '网格', '网格员', '提交时间', '办结时限', '超期'])
    expect(sheet.rowCount).toBe(rows + 1)
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(firstRow)
    expect(firstRow[3]).toBe('已办结')
    await saveScreen(page, 'console-cases')
  })

  it('boards open cases by colour and deadline and acts on one as the workbench would', async () => {
    await page.locator('.nav-link').filter({ hasText: '红黄绿看板' }).click()
    await expect.poll(() => page.locator('#board-list tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(0)
    const cells = await page.locator('#board-counts [data-cell]').allTextContents()
    const open = await server.database.db('cases').where('region_path', 'like', `${(await regionsRepo.findById(server.database.db, jslId))!.path}%`)
      .whereNotIn('status', ['closed', 'rejected']).count({ n: '*' }).first()
    expect(cells.reduce((n, c) => n + Number(c), 0)).toBe(Number(open!.n))
    await saveScreen(page, 'console-board')
    // Accept the first case still waiting for it, through the case action API.
    const row = page.locator('#board-list tbody tr').filter({ has: page.locator('[data-action="accept"]') }).first()
    const number = (await row.locator('td').first().textContent())!.trim()
    await row.locator('[data-action="accept"]').click()
    await expect.poll(async () => (await server.database.db('cases').where({ number }).first()).status, { timeout: 10_000 }).toBe('accepted')
    const events = await server.database.db('case_events').join('cases', 'cases.id', 'case_events.case_id').where('cases.number', number).andWhere('case_events.kind', 'accept')
    expect(events).toHaveLength(1)
    // Rejecting asks for a reason first.
    const next = page.locator('#board-list tbody tr').filter({ has: page.locator('[data-action="reject"]') }).first()
    if (await next.count()) {
      const rejected = (await next.locator('td').first().textContent())!.trim()
      await next.locator('[data-action="reject"]').click()
      await next.locator('input[aria-label="说明"]').fill('不属于受理范围')
      await next.getByRole('button', { name: '确认不予受理' }).click()
      // Rejected, and off the board of open cases (which other cases stay rejectable depends on the hour the
      // demo history is seeded at, so the test does not count on one).
      await expect.poll(async () => (await server.database.db('cases').where({ number: rejected }).first()).status, { timeout: 10_000 }).toBe('rejected')
      await expect.poll(() => page.locator('#board-list tbody tr').filter({ hasText: rejected }).count(), { timeout: 10_000 }).toBe(0)
    }
  }, 60_000)

  it('draws the heat map on the grids\' own polygons and steps through the weeks', async () => {
    await page.locator('.nav-link').filter({ hasText: '案件热力图' }).click()
    await expect.poll(() => page.locator('#heatmap-svg .grid-shape').count(), { timeout: 15_000 }).toBe(6)
    const whole = await page.locator('#heatmap-svg .grid-shape__label').allTextContents()
    expect(await text('#week-label')).toContain('整个期间')
    await saveScreen(page, 'console-heatmap')
    await page.locator('#week-slider').focus()
    await page.keyboard.press('Home')
    await expect.poll(() => text('#week-label')).toContain('第 1 周')
    const firstWeek = await page.locator('#heatmap-svg .grid-shape__label').allTextContents()
    const sum = (labels: string[]) => labels.reduce((n, l) => n + Number(l.replace(/\D/g, '')), 0)
    expect(sum(firstWeek)).toBeLessThan(sum(whole))
    await page.locator('#measure-overdue').click()
    await expect.poll(async () => (await page.locator('#heatmap-svg .grid-shape__label').first().textContent()) ?? '').toMatch(/超期|无案件/)
    await saveScreen(page, 'console-heatmap-week1-overdue')
  })

  it('adds a grid worker on the staff-account page, then disables the account and resets its password', async () => {
    await page.locator('.nav-link').filter({ hasText: '工作人员账号' }).click()
    await expect.poll(() => page.locator('#accounts tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(3)
    const grid = (await regionsRepo.findByCode(server.database.db, 'XT-YT-JSL-XFL-G2'))!
    await page.locator('#account-form input[name="username"]').fill('grid-new')
    await page.locator('#account-form input[name="displayName"]').fill('网格员 吴敏')
    await page.locator('#account-form select[name="role"]').selectOption('grid_worker')
    await page.locator('#account-form select[name="regionId"]').selectOption(String(grid.id))
    await page.locator('#account-form input[name="password"]').fill('grid-new-pass-1')
    await page.getByRole('button', { name: '新建账号' }).click()
    await expect.poll(() => page.locator('#account-notice').textContent(), { timeout: 10_000 }).toContain('已新建账号 grid-new')
    expect((await server.http.post('/api/auth/staff', { username: 'grid-new', password: 'grid-new-pass-1' })).status).toBe(200)
    await page.locator('[data-toggle="grid-new"]').click()
    await expect.poll(async () => Boolean((await server.database.db('users').where({ username: 'grid-new' }).first()).disabled), { timeout: 10_000 }).toBe(true)
    page.once('dialog', (dialog) => void dialog.accept('grid-new-pass-2'))
    await page.locator('[data-reset="grid-new"]').click()
    await expect.poll(() => page.locator('#account-notice').textContent(), { timeout: 10_000 }).toContain('已重置 grid-new 的密码')
    await page.locator('[data-toggle="grid-new"]').click()
    await expect.poll(async () => (await server.http.post('/api/auth/staff', { username: 'grid-new', password: 'grid-new-pass-2' })).status, { timeout: 10_000 }).toBe(200)
    await saveScreen(page, 'console-accounts')
  })

  it('creates a patrol team and a route whose three checkpoints are clicked onto the community\'s grid map', async () => {
    const { db } = server.database
    await page.locator('.nav-link').filter({ hasText: '巡逻队' }).click()
    await page.waitForURL('**/console/admin/patrols**')
    await expect.poll(() => page.locator('#patrol-teams tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(0)
    const community = (await regionsRepo.findByCode(db, 'XT-YT-JSL-XFL'))!
    await page.locator('#team-form input[name="name"]').fill('幸福里夜间巡逻队')
    await page.locator('#team-form select[name="regionId"]').selectOption(String(community.id))
    await page.getByRole('button', { name: '新建巡逻队' }).click()
    await expect.poll(() => page.locator('#team-notice').textContent(), { timeout: 10_000 }).toContain('已新建巡逻队「幸福里夜间巡逻队」')
    const team = await db('patrol_teams').where({ name: '幸福里夜间巡逻队', region_id: community.id }).first()
    expect(team).toBeTruthy()
    // The new team is opened: no routes yet, and the community's grids on the map.
    await expect.poll(() => page.locator('#team-routes .state--empty').first().textContent(), { timeout: 10_000 }).toContain('还没有路线')
    const grids = page.locator('#route-map .grid-shape polygon')
    await expect.poll(() => grids.count(), { timeout: 15_000 }).toBeGreaterThan(0)
    const gridCount = await grids.count()
    await page.locator('#route-map').scrollIntoViewIfNeeded()
    for (const i of [0, 1, 2]) {
      const box = (await grids.nth(i % gridCount).boundingBox())!
      const [fx, fy] = i < gridCount ? [0.5, 0.5] : [0.3, 0.35]
      await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy)
      await expect.poll(() => page.locator('#route-map .checkpoint-pin').count()).toBe(i + 1)
    }
    const names = ['东门岗亭', '中心广场', '北侧停车场']
    for (const [i, name] of names.entries()) await page.locator(`[data-checkpoint-name="${i}"]`).fill(name)
    await page.locator('#route-name').fill('夜间主路线')
    await saveScreen(page, 'console-patrols')
    await page.locator('#save-route').click()
    await expect.poll(() => page.locator('#route-notice').textContent(), { timeout: 10_000 }).toContain('已新建路线「夜间主路线」（3 个检查点）')
    await expect.poll(() => page.locator('#patrol-routes tbody tr').count(), { timeout: 10_000 }).toBe(1)

    const route = await db('patrol_routes').where({ team_id: team.id, name: '夜间主路线' }).first()
    const checkpoints = await db('patrol_checkpoints').where({ route_id: route.id }).orderBy('seq')
    expect(checkpoints.map((c) => c.name)).toEqual(names)
    const areas = await db('grid_areas').join('regions', 'regions.id', 'grid_areas.region_id').where('regions.parent_id', community.id).select('grid_areas.polygon')
    const polygons = areas.map((a) => JSON.parse(String(a.polygon)) as LatLng[])
    expect(polygons.length).toBe(gridCount)
    for (const c of checkpoints) expect(polygons.some((p) => pointInPolygon([Number(c.lat), Number(c.lng)], p))).toBe(true)
    // Replacing one checkpoint's code retires the printed one.
    page.once('dialog', (dialog) => void dialog.accept())
    await page.locator(`[data-rotate="${checkpoints[0].id}"]`).click()
    await expect.poll(() => page.locator('#route-notice').textContent(), { timeout: 10_000 }).toContain('「东门岗亭」已换为第 2 版二维码')
    expect((await db('patrol_checkpoints').where({ id: checkpoints[0].id }).first()).token_version).toBe(2)
    // The printable sheet of the route's codes opens from the list.
    const [sheet] = await Promise.all([page.context().waitForEvent('page'), page.locator('[data-qr-sheet]').first().click()])
    expect(sheet.url()).toMatch(/^blob:/)
    await sheet.close()
    await saveScreen(page, 'console-patrols-saved')
  })

  it('lets an administrator add a category, which residents can then choose', async () => {
    const admin = await adminLogin()
    await admin.locator('.nav-link').filter({ hasText: '案件类别' }).click()
    await expect.poll(() => admin.locator('#categories tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(3)
    await admin.locator('#category-new').click()
    await admin.locator('#category-form input[name="code"]').fill('Stray Dogs')
    await admin.locator('#category-form input[name="name"]').fill('流浪犬扰民')
    await admin.locator('#category-form button[type="submit"]').click()
    // A code in the wrong form is refused in Chinese and nothing is added.
    await expect.poll(() => admin.locator('#category-form [role="alert"]').textContent(), { timeout: 10_000 }).toBe('编码只能使用小写字母、数字和下划线')
    await admin.locator('#category-form input[name="code"]').fill('stray_dogs')
    await admin.locator('#category-form input[name="responseSlaHours"]').fill('12')
    await saveScreen(admin, 'console-category-new')
    await admin.locator('#category-form button[type="submit"]').click()
    await expect.poll(() => admin.locator('#category-notice').textContent(), { timeout: 10_000 }).toContain('已新建「流浪犬扰民」')
    const row = await server.database.db('case_categories').where({ code: 'stray_dogs' }).first()
    expect(row).toMatchObject({ kind: 'complaint', name: '流浪犬扰民', response_sla_hours: 12, resolve_sla_hours: 72 })
    const offered = await server.http.get('/api/categories?kind=complaint', { token: await server.http.residentToken('dogs') })
    expect(offered.body.items.map((c: { code: string }) => c.code)).toContain('stray_dogs')
    await admin.context().close()
  })
  it('lets an administrator connect a grid platform, and shows its signing secret once', async () => {
    const admin = await adminLogin()
    await admin.locator('.nav-link').filter({ hasText: '网格平台' }).click()
    await expect.poll(() => admin.locator('#platform-new').isVisible(), { timeout: 15_000 }).toBe(true)
    await admin.locator('#platform-new').click()
    const secret = await admin.locator('#platform-form input[name="secret"]').inputValue()
    expect(secret).toMatch(/^[0-9a-f]{32}$/)
    await admin.locator('#platform-form select[name="regionId"]').selectOption({ label: '建设路街道（街道）' })
    await admin.locator('#platform-form input[name="name"]').fill('建设路街道网格平台')
    await admin.locator('#platform-form input[name="url"]').fill('not a url')
    await admin.locator('#platform-form button[type="submit"]').click()
    await expect.poll(() => admin.locator('[role="alert"]').first().textContent(), { timeout: 10_000 }).toBe('地址格式不正确')
    expect(await server.database.db('grid_platforms').where({ name: '建设路街道网格平台' }).first()).toBeUndefined()
    await admin.locator('#platform-form input[name="url"]').fill('https://grid.example.cn/anju/events')
    await saveScreen(admin, 'console-platform-new')
    await admin.locator('#platform-form button[type="submit"]').click()
    await expect.poll(() => admin.locator('#integrations-notice').textContent(), { timeout: 10_000 }).toContain(secret)
    await saveScreen(admin, 'console-platform-added')
    const row = await server.database.db('grid_platforms').where({ name: '建设路街道网格平台' }).first()
    expect(row).toMatchObject({ region_id: jslId, url: 'https://grid.example.cn/anju/events', secret })
    await expect.poll(() => admin.locator('#platforms tbody tr').filter({ hasText: '建设路街道网格平台' }).count()).toBe(1)
    expect(await admin.locator('#platform-form').count()).toBe(0)
    await admin.context().close()
  })
})
