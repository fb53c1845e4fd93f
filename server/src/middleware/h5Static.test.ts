import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/server'

const PRECOMPRESS = path.resolve(import.meta.dirname, '../../../miniapp/scripts/precompress.mjs')
const H5_BUILD = path.resolve(import.meta.dirname, '../../../miniapp/dist/h5')

interface RawAnswer {
  status: number
  headers: http.IncomingHttpHeaders
  /** The bytes as sent, still compressed. */
  body: Buffer
}

/** A GET over a real socket that shows the bytes as sent (fetch would decompress them). */
function get(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
      })
      .on('error', reject)
  })
}

/** A build's worth of text: long enough to compress well, as a bundle does. */
const SCRIPT = Array.from({ length: 400 }, (_, i) => `export function page${i}(){return document.title+${i}}`).join(';\n')
const STYLES = Array.from({ length: 300 }, (_, i) => `.card-${i}{padding:${i}px;color:#1d2129}`).join('\n')
const INDEX = `<!doctype html><html><head><title>安居</title>${'<meta name="x" content="padding padding">'.repeat(12)}<script src="/js/app.1a2b3c4d.js"></script></head><body><div id="app"></div></body></html>`

/**
 * The h5 app over HTTP: the compressed copies the build writes, served to browsers that accept them; hashed
 * assets cached for a year; index.html revalidated, answered 304 when unchanged; the API untouched.
 */
describe('h5 static delivery', () => {
  let s: TestServer
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-h5-site-'))

  beforeAll(async () => {
    fs.mkdirSync(path.join(site, 'js'))
    fs.mkdirSync(path.join(site, 'css'))
    fs.writeFileSync(path.join(site, 'index.html'), INDEX)
    fs.writeFileSync(path.join(site, 'js/app.1a2b3c4d.js'), SCRIPT)
    fs.writeFileSync(path.join(site, 'css/app.5e6f7a8b.css'), STYLES)
    fs.writeFileSync(path.join(site, 'js/tiny.0a0b0c0d.js'), 'var a=1')
    // The same step `npm run build:h5` ends with.
    execFileSync(process.execPath, [PRECOMPRESS, site], { stdio: 'pipe' })
    s = await startTestServer('sqlite', { env: { STATIC_DIR: site }, seed: false })
  })
  afterAll(async () => {
    await s?.close()
    fs.rmSync(site, { recursive: true, force: true })
  })

  it('writes a brotli and a gzip copy beside each text file worth compressing, and none beside a tiny one', () => {
    for (const file of ['index.html', 'js/app.1a2b3c4d.js', 'css/app.5e6f7a8b.css']) {
      const raw = fs.readFileSync(path.join(site, file))
      expect(zlib.brotliDecompressSync(fs.readFileSync(path.join(site, `${file}.br`)))).toEqual(raw)
      expect(zlib.gunzipSync(fs.readFileSync(path.join(site, `${file}.gz`)))).toEqual(raw)
    }
    expect(fs.existsSync(path.join(site, 'js/tiny.0a0b0c0d.js.br'))).toBe(false)
  })

  it('sends brotli when accepted, else gzip, else the file itself, saying it varies by Accept-Encoding', async () => {
    const url = `${s.url}/js/app.1a2b3c4d.js`
    const br = await get(url, { 'Accept-Encoding': 'gzip, deflate, br' })
    expect(br.status).toBe(200)
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['content-type']).toMatch(/javascript/)
    expect(br.headers.vary).toMatch(/Accept-Encoding/i)
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(SCRIPT)
    expect(br.body.length).toBeLessThan(SCRIPT.length / 4)

    const gz = await get(url, { 'Accept-Encoding': 'gzip' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(zlib.gunzipSync(gz.body).toString()).toBe(SCRIPT)

    const plain = await get(url, { 'Accept-Encoding': 'identity' })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body.toString()).toBe(SCRIPT)
    expect(Number(plain.headers['content-length'])).toBe(Buffer.byteLength(SCRIPT))

    const css = await get(`${s.url}/css/app.5e6f7a8b.css`, { 'Accept-Encoding': 'br' })
    expect(css.headers['content-encoding']).toBe('br')
    expect(css.headers['content-type']).toMatch(/text\/css/)
  })

  it('keeps content-hashed scripts and styles for a year without asking', async () => {
    for (const file of ['/js/app.1a2b3c4d.js', '/css/app.5e6f7a8b.css', '/js/tiny.0a0b0c0d.js']) {
      const res = await get(`${s.url}${file}`, { 'Accept-Encoding': 'br' })
      expect(res.headers['cache-control'], file).toBe('public, max-age=31536000, immutable')
    }
  })

  it('has index.html revalidated on every load, and answers an unchanged one with a bodiless 304', async () => {
    const first = await get(`${s.url}/`, { 'Accept-Encoding': 'br' })
    expect(first.status).toBe(200)
    expect(first.headers['cache-control']).toBe('no-cache')
    expect(zlib.brotliDecompressSync(first.body).toString()).toBe(INDEX)
    const { etag, 'last-modified': lastModified } = first.headers
    expect(etag).toMatch(/^(W\/)?"/)
    expect(lastModified).toBeTruthy()

    const byTag = await get(`${s.url}/`, { 'Accept-Encoding': 'br', 'If-None-Match': etag! })
    expect(byTag.status).toBe(304)
    expect(byTag.body.length).toBe(0)
    expect(byTag.headers.etag).toBe(etag)
    const byDate = await get(`${s.url}/index.html`, { 'Accept-Encoding': 'br', 'If-Modified-Since': lastModified! })
    expect(byDate.status).toBe(304)

    // Another encoding is another representation, with its own tag: no 304 for a tag it does not have.
    const gz = await get(`${s.url}/`, { 'Accept-Encoding': 'gzip', 'If-None-Match': etag! })
    expect(gz.status).toBe(200)
    expect(gz.headers.etag).not.toBe(etag)
    expect(zlib.gunzipSync(gz.body).toString()).toBe(INDEX)

    // A changed index.html is sent again in full.
    fs.writeFileSync(path.join(site, 'index.html'), INDEX.replace('安居', '安居 2'))
    execFileSync(process.execPath, [PRECOMPRESS, site], { stdio: 'pipe' })
    const changed = await get(`${s.url}/`, { 'Accept-Encoding': 'br', 'If-None-Match': etag! })
    expect(changed.status).toBe(200)
    expect(zlib.brotliDecompressSync(changed.body).toString()).toContain('安居 2')
  })

  it('leaves the API as it was: no compression, caching or validators from the static files', async () => {
    const health = await get(`${s.url}/healthz`, { 'Accept-Encoding': 'gzip, br' })
    expect(health.status).toBe(200)
    expect(health.headers['content-encoding']).toBeUndefined()
    expect(health.headers['cache-control']).toBeUndefined()
    expect(health.headers.etag).toBeUndefined()
    expect(JSON.parse(health.body.toString())).toMatchObject({ status: 'ok' })

    const missing = await get(`${s.url}/api/nothing-here`, { 'Accept-Encoding': 'br' })
    expect(missing.status).toBe(404)
    expect(JSON.parse(missing.body.toString()).error.code).toBe('ROUTE_NOT_FOUND')
    expect(missing.headers['content-encoding']).toBeUndefined()

    const noFile = await get(`${s.url}/js/gone.00000000.js`, { 'Accept-Encoding': 'br' })
    expect(noFile.status).toBe(404)
    expect(noFile.headers['cache-control']).toBeUndefined()
  })

  it('ships a brotli and a gzip copy beside each script and stylesheet of the real h5 build', () => {
    const assets = ['js', 'css'].flatMap((dir) =>
      fs.readdirSync(path.join(H5_BUILD, dir)).filter((f) => /\.(js|css)$/.test(f)).map((f) => path.join(H5_BUILD, dir, f)),
    )
    expect(assets.length).toBeGreaterThan(10)
    const uncompressed = assets.filter((f) => fs.statSync(f).size >= 1024 && !(fs.existsSync(`${f}.br`) && fs.existsSync(`${f}.gz`)))
    expect(uncompressed).toEqual([])
    expect(fs.existsSync(path.join(H5_BUILD, 'index.html.br'))).toBe(true)
  })
})
