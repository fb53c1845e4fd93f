import fs from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Debian's Chromium, never a downloaded one. CI installs it; CHROMIUM_PATH may point elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`)
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}

/** A fresh phone-sized page (its own context, so its own storage) opened at `url`. */
export async function openPhone(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.on('pageerror', (err) => console.error('page error:', err.message))
  await page.goto(url)
  return page
}

/** A fresh desktop page (1280×800, its own context) for the governance console, downloads allowed. */
export async function openDesktop(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', acceptDownloads: true, timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  page.on('pageerror', (err) => console.error('page error:', err.message))
  await page.goto(url)
  return page
}
