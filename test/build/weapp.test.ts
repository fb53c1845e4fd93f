import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')
const projectConfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8'))
const WEAPP = path.join(ROOT, projectConfig.miniprogramRoot)
/** Half of WeChat's hard 2 MB limit on the main package, kept for the life of the product. */
const MAIN_PACKAGE_BUDGET = 1024 * 1024

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(full) : [full]
  })
}

describe('the weapp build (npm run build:weapp)', () => {
  const appJson = JSON.parse(fs.readFileSync(path.join(WEAPP, 'app.json'), 'utf8'))

  it('is where project.config.json points WeChat DevTools', () => {
    expect(fs.existsSync(path.join(WEAPP, 'app.js'))).toBe(true)
    for (const page of appJson.pages as string[]) {
      expect(fs.existsSync(path.join(WEAPP, `${page}.js`)), page).toBe(true)
      expect(fs.existsSync(path.join(WEAPP, `${page}.wxml`)), page).toBe(true)
    }
  })

  it('has the four tabs of the product, in the main package', () => {
    const tabs = appJson.tabBar.list as { pagePath: string; text: string }[]
    expect(tabs.map((t) => t.text)).toEqual(['首页', '我的诉求', '积分', '我的'])
    for (const tab of tabs) expect(appJson.pages).toContain(tab.pagePath)
  })

  it('declares the privacy settings WeChat requires', () => {
    expect(appJson.__usePrivacyCheck__).toBe(true)
    expect(appJson.requiredPrivateInfos).toContain('getLocation')
    expect(appJson.permission['scope.userLocation'].desc).toMatch(/[\u4e00-\u9fa5]/)
  })

  it(`keeps the main package under ${MAIN_PACKAGE_BUDGET / 1024} KiB`, () => {
    const subPackageRoots = ((appJson.subPackages ?? appJson.subpackages ?? []) as { root: string }[]).map((p) =>
      path.join(WEAPP, p.root),
    )
    expect(subPackageRoots.length).toBeGreaterThan(0)
    const mainFiles = filesUnder(WEAPP).filter(
      (file) => !subPackageRoots.some((root) => file.startsWith(root + path.sep) || file.startsWith(root + '/')),
    )
    const bytes = mainFiles.reduce((sum, file) => sum + fs.statSync(file).size, 0)
    console.log(`weapp main package: ${(bytes / 1024).toFixed(1)} KiB in ${mainFiles.length} files`)
    expect(bytes).toBeLessThan(MAIN_PACKAGE_BUDGET)
  })
})
