import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { movableClock } from '../../server/src/testing/clock'
import { startTestServer, type TestServer } from '../../server/src/testing/server'
import { demoRoute, type DemoRoute } from '../../server/src/testing/patrolFlow'
import { DEMO_VOLUNTEER } from '../../server/src/db/seeds/patrols'
import { MiniRuntime, STRIPPED, type DeviceScript, type MountedPage } from './miniRuntime'

/*
 * The weapp build `npm test` makes (npm run build:weapp:test) run page by page in a stand-in for WeChat's
 * logic layer (see miniRuntime.ts), against the real test server: the app must load and the pages work
 * without BigInt, eval, new Function or any built-in newer than iOS 12.2, and call WeChat's APIs as the
 * platform requires.
 */

const ROOT = path.resolve(import.meta.dirname, '../..')
const WEAPP = path.join(ROOT, 'miniapp/dist/weapp')
/** The API origin of the test build (miniapp/.env.test): a reserved domain the runtime maps to the test server. */
const API_BASE = /^TARO_APP_API_BASE=(.*)$/m.exec(fs.readFileSync(path.join(ROOT, 'miniapp/.env.test'), 'utf8'))![1]!.trim()
/** 幸福里, where the demo route runs (GCJ-02). */
const HERE = { latitude: 27.8611, longitude: 112.9433, accuracy: 10 }

describe('the weapp build in a WeChat-like runtime', () => {
  let s: TestServer
  // The server's and the phones' time: runs with the system's and can be moved forward for both at once.
  const clock = movableClock()
  let route: DemoRoute
  let photo: string
  const phones: MiniRuntime[] = []

  function phone(script: Partial<DeviceScript> = {}): MiniRuntime {
    const runtime = new MiniRuntime(WEAPP, { apiBase: API_BASE, server: s.url }, {
      loginCode: () => s.wechat.issueCode(DEMO_VOLUNTEER.openid),
      location: HERE,
      photos: [photo],
      scanResult: '',
      now: () => clock.now().getTime(),
      ...script,
    })
    phones.push(runtime)
    return runtime.launch()
  }

  /** Signs the volunteer in with 微信一键登录, as on a phone (wx.login → our server → the fake WeChat). */
  async function signIn(runtime: MiniRuntime) {
    const login = runtime.open('pages/login/index')
    await runtime.until(() => login.byText('微信一键登录').length > 0, login)
    login.tap(login.byText('微信一键登录').find((node) => node.cl?.includes('btn')))
    await runtime.until(() => runtime.callsOf('switchTab').length > 0, login)
    runtime.close()
  }

  async function shows(runtime: MiniRuntime, page: MountedPage, text: string) {
    await runtime.until(() => page.text().includes(text), page)
  }

  beforeAll(async () => {
    s = await startTestServer('sqlite', { clock })
    route = await demoRoute(s, await s.http.staffToken('staff'))
    photo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'anju-weapp-')), 'photo.jpg')
    await sharp({ create: { width: 320, height: 240, channels: 3, background: '#7a8a99' } }).jpeg().toFile(photo)
  })

  afterAll(async () => {
    phones.forEach((runtime) => runtime.dispose())
    await s?.close()
    if (photo) fs.rmSync(path.dirname(photo), { recursive: true, force: true })
  })

  it('loads without BigInt, eval or new Function, polyfilling every newer built-in the bundle uses', () => {
    const runtime = phone()
    expect(runtime.errors).toEqual([])
    expect(runtime.codeGeneration).toEqual([])
    // Every call of a newer method or static anywhere in the bundle must find it once app.js has run. (BigInt is
    // only called inside zod's bigint checks, which the app never runs: the pages below run without it.)
    const bundle = filesUnder(WEAPP).filter((file) => file.endsWith('.js')).map((file) => fs.readFileSync(file, 'utf8')).join('\n')
    const called = STRIPPED.filter((name) => name.includes('.') && callOf(name).test(bundle))
    expect(called).toContain('Array.prototype.at')
    expect(runtime.builtInsPresent()).toEqual(expect.arrayContaining(called))
    expect(runtime.builtInsPresent()).not.toContain('BigInt')
    expect(runtime.run(`[[1, 2, 3].at(-1), [1, 2, 3].at(0.5), [].at(0), 'abc'.at(-1), 'abc'.at(5)]`)).toEqual([3, 1, undefined, 'c', undefined])
  })

  it('signs in with wx.login and shows the home, my cases, points and mall pages', async () => {
    const runtime = phone()
    await signIn(runtime)
    expect(runtime.callsOf('login')).toHaveLength(1)
    expect(runtime.callsOf('request').every((call) => call.options.url.startsWith(`${API_BASE}/api/`))).toBe(true)

    const home = runtime.open('pages/index/index')
    await shows(runtime, home, `你好，${DEMO_VOLUNTEER.displayName}`)
    expect(home.text()).toContain('开始巡逻')

    const cases = runtime.open('pages/cases/index')
    await runtime.until(() => cases.byId('my-cases-new') !== undefined, cases)
    const before = runtime.callsOf('request').length
    cases.instance.onPullDownRefresh()
    await runtime.until(() => runtime.callsOf('stopPullDownRefresh').length > 0, cases)
    expect(runtime.callsOf('request').length).toBeGreaterThan(before)

    const points = runtime.open('pages/points/index')
    await runtime.until(() => points.byId('points-balance') !== undefined && /\d/.test(textOf(points.byId('points-balance'))), points)

    const mall = runtime.open('packages/mall/pages/list/index')
    await runtime.until(() => /\d/.test(textOf(mall.byId('mall-balance'))), mall)
    expect(runtime.errors).toEqual([])
  })

  it('signs in with one tap even when the first wx.login code was already spent (a retry after a lost answer)', async () => {
    const spent = s.wechat.issueCode(DEMO_VOLUNTEER.openid)
    expect((await s.http.post('/api/auth/wechat', { code: spent })).status).toBe(200)
    let codes = 0
    const runtime = phone({ loginCode: () => (codes++ === 0 ? spent : s.wechat.issueCode(DEMO_VOLUNTEER.openid)) })
    await signIn(runtime)
    expect(codes).toBe(2)
    expect(runtime.errors).toEqual([])
  })

  it('files a report with a GCJ-02 location and a compressed photo uploaded to the API domain', async () => {
    const runtime = phone()
    await signIn(runtime)
    const report = runtime.open('packages/report/pages/new/index?kind=complaint')
    await runtime.until(() => report.byId('report-add-photo') !== undefined, report)

    report.tap(report.byId('report-locate'))
    await runtime.until(() => runtime.callsOf('getLocation').length > 0, report)
    expect(runtime.callsOf('getLocation')[0]!.options).toMatchObject({ type: 'gcj02' })

    report.tap(report.byId('report-add-photo'))
    await runtime.until(() => runtime.callsOf('uploadFile').length > 0, report)
    expect(runtime.callsOf('chooseMedia')[0]!.options).toMatchObject({ mediaType: ['image'], sizeType: ['compressed'] })
    expect(runtime.callsOf('uploadFile')[0]!.options).toMatchObject({ url: `${API_BASE}/api/uploads`, name: 'file' })

    report.change(report.parentOf(report.byId('report-category')), 0)
    report.input(report.byId('report-text'), '小区东门的路灯坏了一个星期，晚上很黑')
    await runtime.until(() => !report.text().includes('请选择'), report)
    report.tap(report.byId('report-submit'))
    await runtime.until(() => runtime.callsOf('redirectTo').length > 0 || report.byId('report-error') !== undefined, report)
    expect(textOf(report.byId('report-error'))).toBe('')
    expect(runtime.callsOf('redirectTo')[0]!.options.url).toMatch(/^\/packages\/report\/pages\/detail\/index\?id=\d+/)
    expect(runtime.errors).toEqual([])
  })

  it('will not start a patrol with location refused, and says where to allow it', async () => {
    const refused = phone({ location: null })
    await signIn(refused)
    const start = refused.open('packages/patrol/pages/start/index')
    await refused.until(() => start.byText('开始').some((node) => node.cl?.includes('patrol-start')), start)
    start.tap(start.byText('开始').find((node) => node.cl?.includes('patrol-start')))
    await refused.until(() => start.byId('patrol-error') !== undefined, start)
    expect(textOf(start.byId('patrol-error'))).toMatch(/设置.*位置信息/)
    const current = await s.http.get('/api/patrols/current', { token: await s.http.residentToken('volunteer') })
    expect(current.body.patrol).toBeNull()
  })

  it('runs a patrol: location updates in GCJ-02, the track uploaded, a checkpoint checked in by scanning', async () => {
    const checkpoint = route.checkpoints[0]!
    const runtime = phone({ scanResult: checkpoint.code, location: { latitude: checkpoint.lat, longitude: checkpoint.lng, accuracy: 8 } })
    await signIn(runtime)
    const start = runtime.open('packages/patrol/pages/start/index')
    await runtime.until(() => start.byText('开始').some((node) => node.cl?.includes('patrol-start')), start)
    start.tap(start.byText('开始').find((node) => node.cl?.includes('patrol-start')))
    await runtime.until(() => runtime.callsOf('navigateTo').length > 0, start)
    const liveUrl: string = runtime.callsOf('navigateTo')[0]!.options.url
    expect(liveUrl).toMatch(/^\/packages\/patrol\/pages\/live\/index\?id=\d+$/)

    // The start page already started and stopped updates once, to be sure they can run.
    expect(runtime.callsOf('offLocationChange')).toHaveLength(1)
    const live = runtime.open(liveUrl)
    await runtime.until(() => runtime.callsOf('onLocationChange').length === 2, live)
    expect(runtime.callsOf('startLocationUpdate').at(-1)!.options).toMatchObject({ type: 'gcj02' })
    // A fix every 10 s for a minute: the adapter stamps each when it arrives (WeChat's carry no time), and the
    // queue keeps about one per 10 s, so the phone's and the server's clocks move on together between them.
    for (let i = 0; i < 7; i++) {
      clock.advance(10_000)
      runtime.moveTo({ latitude: checkpoint.lat + i * 0.0001, longitude: checkpoint.lng, accuracy: 8 })
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await runtime.until(() => runtime.callsOf('request').some((call) => /\/api\/patrols\/\d+\/track$/.test(call.options.url)), live)

    live.tap(live.byId('patrol-scan'))
    await shows(runtime, live, `签到成功：${checkpoint.name}`)
    expect(runtime.callsOf('scanCode')[0]!.options).toMatchObject({ onlyFromCamera: true, scanType: ['qrCode'] })
    await runtime.until(() => textOf(live.byId('patrol-done')) === `1/${route.checkpoints.length}`, live)

    // The same patrol opened on a phone where location is refused: told why nothing is recorded, and how to fix it.
    const refused = phone({ location: null })
    await signIn(refused)
    const blind = refused.open(liveUrl)
    await refused.until(() => blind.byId('patrol-notice') !== undefined, blind)
    expect(textOf(blind.byId('patrol-notice'))).toMatch(/无法记录巡逻轨迹.*设置.*位置信息/)
    expect(refused.callsOf('onLocationChange')).toEqual([])
    expect(runtime.errors).toEqual([])
  })

  it('mounts the workbench for staff, with pull-down refresh on 积分审核', async () => {
    const runtime = phone()
    const login = runtime.open('pages/login/index')
    await runtime.until(() => login.byId('staff-login') !== undefined, login)
    login.input(login.byId('staff-username'), 'staff')
    login.input(login.byId('staff-password'), 'anju-demo-2026')
    login.tap(login.byId('staff-login'))
    await runtime.until(() => runtime.callsOf('switchTab').length > 0, login)

    const workbench = runtime.open('packages/workbench/pages/index/index')
    await shows(runtime, workbench, '积分审核')
    const awards = runtime.open('packages/workbench/pages/awards/index')
    await runtime.until(() => awards.text().length > 0, awards)
    awards.instance.onPullDownRefresh()
    await runtime.until(() => runtime.callsOf('stopPullDownRefresh').length > 0, awards)
    expect(runtime.errors).toEqual([])
  })
})

/** How a call of a stripped method or static looks in minified code: `.at(`, `Object.hasOwn(`. */
function callOf(name: string): RegExp {
  const [owner, second, method] = name.split('.')
  return second === 'prototype' ? new RegExp(`\\.${method}\\(`) : new RegExp(`\\b${owner}\\.${second}\\(`)
}

function textOf(node: { [key: string]: any } | undefined): string {
  if (!node) return ''
  return [typeof node.v === 'string' ? node.v : '', ...((node.cn ?? []) as object[]).map(textOf)].join('')
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  )
}
