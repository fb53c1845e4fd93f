import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { SCREENS_DIR } from './visual'

/**
 * Saves the screen (a phone's, or the console's) as test-results/screens/<name>.png once nothing moves: Taro slides each new page
 * in, and a shot taken mid-slide shows half of two pages.
 */
export async function saveScreen(page: Page, name: string, { fullPage = false } = {}) {
  fs.mkdirSync(SCREENS_DIR, { recursive: true })
  await page.waitForFunction(
    () => {
      type El = { getBoundingClientRect(): { left: number; width: number } }
      const doc = (globalThis as unknown as {
        document: { getAnimations(): { playState: string }[]; querySelectorAll(s: string): El[] }
      }).document
      // The page left behind stays until the new one has slid fully in; then only one is laid out.
      const pages = [...doc.querySelectorAll('.taro_page')].filter((el) => el.getBoundingClientRect().width > 0)
      // (The console is not a Taro app: no .taro_page at all.)
      const settled = pages.length === 0 || (pages.length === 1 && pages[0]!.getBoundingClientRect().left === 0)
      return settled && doc.getAnimations().every((a) => a.playState !== 'running')
    },
    undefined,
    { timeout: 10_000, polling: 100 },
  )
  await page.screenshot({ path: path.join(SCREENS_DIR, `${name}.png`), fullPage })
}
