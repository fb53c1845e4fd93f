import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import * as acorn from 'acorn'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ROOT = path.resolve(import.meta.dirname, '../..')
const projectConfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8'))
const WEAPP = path.join(ROOT, projectConfig.miniprogramRoot)
const SRC = path.join(ROOT, 'miniapp/src')
/** Half of WeChat's hard 2 MB limit on the main package, kept for the life of the product. */
const MAIN_PACKAGE_BUDGET = 1024 * 1024
/**
 * The syntax iOS 12.2's JavaScriptCore parses (the oldest engine the app supports, see miniapp/src/engine.ts):
 * ES2018 and optional catch binding, so acorn's ES2019; nothing later (`?.`, `??`, class fields, 1n).
 */
const ES_LEVEL = 2019

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(full) : [full]
  })
}

describe('the weapp build (npm run build:weapp:test)', () => {
  const appJson = JSON.parse(fs.readFileSync(path.join(WEAPP, 'app.json'), 'utf8'))
  const allPages: string[] = [
    ...appJson.pages,
    ...(appJson.subPackages as { root: string; pages: string[] }[]).flatMap((sub) => sub.pages.map((page) => `${sub.root}/${page}`)),
  ]

  it('is where project.config.json points WeChat DevTools', () => {
    expect(fs.existsSync(path.join(WEAPP, 'app.js'))).toBe(true)
    for (const page of allPages) {
      expect(fs.existsSync(path.join(WEAPP, `${page}.js`)), page).toBe(true)
      expect(fs.existsSync(path.join(WEAPP, `${page}.wxml`)), page).toBe(true)
    }
  })

  it('has the four tabs of the product, in the main package', () => {
    const tabs = appJson.tabBar.list as { pagePath: string; text: string }[]
    expect(tabs.map((t) => t.text)).toEqual(['首页', '我的诉求', '积分', '我的'])
    for (const tab of tabs) expect(appJson.pages).toContain(tab.pagePath)
  })

  it('declares the privacy settings WeChat requires, and not the obsolete switch', () => {
    expect(appJson).not.toHaveProperty('__usePrivacyCheck__')
    expect(appJson.requiredPrivateInfos).toEqual(expect.arrayContaining(['getLocation', 'startLocationUpdate', 'onLocationChange']))
    expect(appJson.permission['scope.userLocation'].desc).toMatch(/[\u4e00-\u9fa5]/)
  })

  it('enables pull-down refresh on every page that registers a pull-down handler', () => {
    const registering = allPages.filter((page) => registersPullDown(path.join(SRC, `${page}.tsx`)))
    expect(registering).toEqual(expect.arrayContaining(['pages/cases/index', 'packages/workbench/pages/awards/index']))
    for (const page of registering) {
      const config = JSON.parse(fs.readFileSync(path.join(WEAPP, `${page}.json`), 'utf8'))
      expect(config.enablePullDownRefresh, page).toBe(true)
    }
  })

  it(`is JavaScript of ES${ES_LEVEL} at most, with no BigInt literal`, () => {
    const scripts = filesUnder(WEAPP).filter((file) => file.endsWith('.js'))
    const failures = scripts.flatMap((file) => {
      try {
        acorn.parse(fs.readFileSync(file, 'utf8'), { ecmaVersion: ES_LEVEL, sourceType: 'script' })
        return []
      } catch (err) {
        return [`${path.relative(WEAPP, file)}: ${(err as Error).message}`]
      }
    })
    expect(failures).toEqual([])
  })

  it('keeps marker images the patrol map points at', () => {
    for (const name of ['checkpoint.png', 'checkpoint-done.png']) {
      const file = path.join(WEAPP, 'packages/patrol/assets', name)
      expect(fs.readFileSync(file).subarray(1, 4).toString()).toBe('PNG')
    }
  })

  describe("miniprogram-ci's offline checks", () => {
    let result: { quality: QualityItem[]; files: { path: string; size: number; subPackage: string | null }[] }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-ci-'))

    beforeAll(async () => {
      const out = path.join(tmp, 'checks.json')
      await run(process.execPath, [path.join(import.meta.dirname, 'wechatChecks.mjs'), ROOT, out], { timeout: 120_000 })
      result = JSON.parse(fs.readFileSync(out, 'utf8'))
    }, 150_000)

    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

    it('passes every code quality rule', () => {
      expect(result.quality.map((rule) => rule.name)).toEqual(
        expect.arrayContaining(['PACKAGE_SIZE_LIMIT', 'JS_COMPRESS_OPEN', 'WXML_COMPRESS_OPEN', 'WXSS_COMPRESS_OPEN']),
      )
      expect(result.quality.filter((rule) => !rule.success).map((rule) => `${rule.name}: ${rule.text}`)).toEqual([])
    })

    it(`keeps the main package under ${MAIN_PACKAGE_BUDGET / 1024} KiB, and records every package's size`, () => {
      const sizes = result.quality.find((rule) => rule.name === 'PACKAGE_SIZE_LIMIT')!.detail as Record<string, number>
      const main = sizes.__APP__!
      const subPackages = Object.fromEntries(Object.entries(sizes).filter(([name]) => name !== '__APP__'))
      expect(Object.keys(subPackages).sort()).toEqual(
        (appJson.subPackages as { root: string }[]).map((sub) => `${sub.root.replace(/\/?$/, '/')}`).sort(),
      )
      const mainFiles = result.files.filter((file) => !file.subPackage).sort((a, b) => b.size - a.size)
      const measured = {
        what: 'weapp package sizes as miniprogram-ci counts them (checkCodeQuality PACKAGE_SIZE_LIMIT), test build',
        budgetBytes: { main: MAIN_PACKAGE_BUDGET, target: 500 * 1024, wechatLimitPerPackage: 2 * 1024 * 1024 },
        mainBytes: main,
        subPackageBytes: subPackages,
        largestMainFiles: mainFiles.slice(0, 8).map((file) => ({ path: file.path, bytes: file.size })),
      }
      fs.writeFileSync(path.join(ROOT, 'bench/results/weapp-packages.json'), `${JSON.stringify(measured, null, 2)}\n`)
      console.log(`weapp main package: ${(main / 1024).toFixed(1)} KiB; ${Object.entries(subPackages).map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KiB`).join(', ')}`)
      expect(main).toBeLessThan(MAIN_PACKAGE_BUDGET)
      for (const [name, bytes] of Object.entries(subPackages)) expect(bytes, name).toBeLessThan(2 * 1024 * 1024)
    })
  })
})

interface QualityItem {
  name: string
  success: boolean
  text: string
  detail?: unknown
}

/** Whether a page, or anything it imports from miniapp/src, calls usePullDownRefresh (usePageData does). */
function registersPullDown(entry: string, seen = new Set<string>()): boolean {
  if (seen.has(entry)) return false
  seen.add(entry)
  const source = fs.readFileSync(entry, 'utf8')
  if (/\busePullDownRefresh\(|\busePageData\(/.test(source)) return true
  for (const [, spec] of source.matchAll(/from '(\.[^']+)'/g)) {
    const base = path.resolve(path.dirname(entry), spec!)
    const file = ['.tsx', '.ts', '/index.tsx', '/index.ts'].map((ext) => base + ext).find((candidate) => fs.existsSync(candidate))
    if (file && registersPullDown(file, seen)) return true
  }
  return false
}
