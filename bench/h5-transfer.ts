/**
 * h5 delivery: the bytes a phone downloads to open the app, first visit and reload, as Chromium counts them on
 * the wire (CDP Network.loadingFinished's encodedDataLength: headers and body as sent, after compression),
 * against the real server serving the h5 build. Writes bench/results/h5-transfer.json.
 *
 *   npm run build:h5 && npm run bench:h5
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { startTestServer } from '../server/src/testing/server'
import { launchChromium } from '../test/support/browser'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const H5_BUILD = path.resolve(HERE, '../miniapp/dist/h5')

interface Load {
  requests: number
  /** Bytes on the wire for the app's own files (not the API). */
  bytes: number
  /** How many came from the browser's cache without a request. */
  fromCache: number
}

/** Counts what the page fetches while `action` runs and the page settles. */
async function measure(page: Page, action: () => Promise<unknown>): Promise<Load> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  const urls = new Map<string, string>()
  const load: Load = { requests: 0, bytes: 0, fromCache: 0 }
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url))
  cdp.on('Network.requestServedFromCache', () => {
    load.fromCache += 1
  })
  cdp.on('Network.loadingFinished', (e) => {
    const url = new URL(urls.get(e.requestId) ?? 'http://x/')
    if (url.pathname.startsWith('/api/')) return
    load.requests += 1
    load.bytes += e.encodedDataLength
  })
  await action()
  await page.waitForLoadState('networkidle')
  await cdp.detach()
  return load
}

async function main() {
  const server = await startTestServer('sqlite', { env: { STATIC_DIR: H5_BUILD } })
  const browser = await launchChromium()
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
    const page = await context.newPage()
    // A new resident: the login page, then 开发登录 into the home page.
    const firstVisit = await measure(page, async () => {
      await page.goto(server.url)
      await page.locator('#dev-login').click()
      await page.getByText('你好，演示居民').waitFor()
    })
    const signedIn = await measure(page, () => page.reload())
    await page.getByText('你好，演示居民').waitFor()
    const result = {
      measuredAt: new Date().toISOString(),
      node: process.version,
      firstVisitToHome: firstVisit,
      reloadHome: signedIn,
    }
    fs.mkdirSync(path.resolve(HERE, 'results'), { recursive: true })
    fs.writeFileSync(path.resolve(HERE, 'results/h5-transfer.json'), `${JSON.stringify(result, null, 2)}\n`)
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
    console.log(`first visit to home:      ${firstVisit.requests} files, ${kb(firstVisit.bytes)} on the wire`)
    console.log(`reload signed in (home):  ${signedIn.requests} requests, ${kb(signedIn.bytes)} on the wire, ${signedIn.fromCache} from the cache unasked`)
  } finally {
    await browser.close()
    await server.close()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
