import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import postcss from 'postcss'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')
const SRC = path.join(ROOT, 'miniapp/src')
const require = createRequire(import.meta.url)
const legibleType = require('../../miniapp/config/legibleType.js') as ((options?: { sourceRoot?: string }) => postcss.Plugin) & {
  MIN_FONT_SIZE: number
}

async function run(css: string, from = path.join(SRC, 'pages/x/index.scss')) {
  return (await postcss([legibleType({ sourceRoot: SRC })]).process(css, { from })).css
}

describe('the type floor and 长辈模式 scale (miniapp/config/legibleType.js)', () => {
  it('scales every design-px font-size and raises those under the floor to it', async () => {
    expect(await run('.a{font-size:28px}')).toBe('.a{font-size:calc(28px * var(--anju-font-scale, 1))}')
    expect(await run('.chip{font-size:22px;color:red}')).toBe('.chip{font-size:calc(24px * var(--anju-font-scale, 1));color:red}')
    expect(await run('.m{font-size:36px !important}')).toBe('.m{font-size:calc(36px * var(--anju-font-scale, 1)) !important}')
    expect(legibleType.MIN_FONT_SIZE).toBe(24)
  })

  it('leaves sizes that are not design px alone, and stylesheets outside src/', async () => {
    for (const css of ['.a{font-size:12PX}', '.a{font-size:1.2em}', '.a{font-size:inherit}', '.a{font:14px serif}', '.a{padding:22px}']) {
      expect(await run(css)).toBe(css)
    }
    expect(await run('.a{font-size:10px}', path.join(ROOT, 'node_modules/lib/style.css'))).toBe('.a{font-size:10px}')
  })

  it('is in the weapp build: every stylesheet scales its type, in rpx, none under the floor', () => {
    const weapp = path.join(ROOT, 'miniapp/dist/weapp')
    const sheets = (fs.readdirSync(weapp, { recursive: true }) as string[]).filter((f) => f.endsWith('.wxss'))
    const wxss = sheets.map((f) => fs.readFileSync(path.join(weapp, f), 'utf8')).join('\n')
    expect(wxss).toMatch(/font-size:\s*calc\(28rpx\s*\*\s*var\(--anju-font-scale,\s*1\)\)/)
    expect(wxss).toMatch(/\.elder\s*\{[^}]*--anju-font-scale:\s*1\.3/)
    const sizes = [...wxss.matchAll(/font-size:\s*([^;}]+)/g)].map((m) => m[1]!.trim())
    expect(sizes.length).toBeGreaterThan(50)
    expect(sizes.filter((size) => (size !== 'inherit' && !size.includes('var(--anju-font-scale')) || /calc\((1?\d|2[0-3])rpx/.test(size))).toEqual([])
  })
})
