import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../testing/server'
import { testDatabaseKinds } from '../../testing/databases'

describe.each(testDatabaseKinds())('system endpoints on %s', (kind) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(kind)
  })
  afterAll(async () => {
    await s?.close()
  })

  it('reports liveness and readiness', async () => {
    expect((await s.http.get('/healthz')).body).toEqual({ status: 'ok' })
    expect((await s.http.get('/readyz')).body).toEqual({ status: 'ok', database: kind })
  })

  it('tags every response with a request id, keeping a sane one from the caller', async () => {
    const own = await s.http.get('/healthz', { headers: { 'X-Request-Id': 'trace-1234567' } })
    expect(own.headers.get('X-Request-Id')).toBe('trace-1234567')
    const fresh = await s.http.get('/healthz', { headers: { 'X-Request-Id': 'bad id with spaces' } })
    expect(fresh.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('answers unknown routes, wrong methods and broken JSON with our error shape', async () => {
    const unknown = await s.http.get('/api/nothing-here')
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe('ROUTE_NOT_FOUND')

    const method = await s.http.request('DELETE', '/api/auth/staff')
    expect(method.status).toBe(405)
    expect(method.body.error.code).toBe('METHOD_NOT_ALLOWED')

    const broken = await s.http.post('/api/auth/staff', undefined, { raw: '{"username": "staff",' })
    expect(broken.status).toBe(400)
    expect(broken.body.error.code).toBe('INVALID_JSON')

    const huge = await s.http.post('/api/auth/staff', { username: 'x'.repeat(2 * 1024 * 1024), password: 'y' })
    expect(huge.status).toBe(413)
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('gives field-level validation errors with Chinese messages', async () => {
    const res = await s.http.post('/api/auth/staff', { username: 'staff' })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ path: 'password' }] } })
    expect(res.body.error.details.fields[0].message).toMatch(/[\u4e00-\u9fa5]/)
  })

  it('publishes an OpenAPI document generated from the shared schemas', async () => {
    const res = await s.http.get('/api/openapi.json')
    expect(res.status).toBe(200)
    const doc = res.body
    expect(doc.openapi).toBe('3.0.3')
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/wechat', '/api/auth/staff', '/api/me', '/api/regions/{id}']))
    const login = doc.paths['/api/auth/staff'].post
    expect(login.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/StaffLoginInput' })
    expect(doc.components.schemas.StaffLoginInput.required).toEqual(['username', 'password'])
    expect(doc.components.schemas.AuthSession.properties.user).toEqual({ $ref: '#/components/schemas/User' })
    expect(doc.paths['/api/regions/{id}'].get.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true })
    expect(doc.paths['/api/me'].get.security).toEqual([{ bearer: [] }])
  })

  it('never leaks a stack trace: a dead database is a 503 with our shape', async () => {
    const broken = await startTestServer(kind, { seed: false })
    await broken.database.db.destroy()
    const res = await broken.http.get('/readyz')
    expect(res.status).toBe(503)
    expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE')
    const me = await broken.http.post('/api/auth/staff', { username: 'staff', password: 'x' })
    // A login cannot even be counted against the throttle without the database: retryable, not a crash.
    expect(me.status).toBe(503)
    expect(me.body).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })
    await broken.close().catch(() => undefined)
  })

  it('sends security headers with every API answer, and never lets an auth answer be cached', async () => {
    for (const res of [await s.http.get('/healthz'), await s.http.get('/api/nothing-here'), await s.http.get('/open311/v2/services.json')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'")
    }
    const login = await s.http.post('/api/auth/staff', { username: 'staff', password: 'anju-demo-2026' })
    expect(login.status).toBe(200)
    expect(login.headers.get('cache-control')).toBe('no-store')
    const refused = await s.http.post('/api/auth/staff', { username: 'staff', password: 'wrong' })
    expect(refused.headers.get('cache-control')).toBe('no-store')
    const refreshed = await s.http.post('/api/auth/refresh', { refreshToken: login.body.refreshToken })
    expect(refreshed.headers.get('cache-control')).toBe('no-store')
  })

  it('believes X-Forwarded-* only when TRUST_PROXY is set', async () => {
    expect(s.app.proxy).toBe(false)
    const behindProxy = await startTestServer(kind, { seed: false, env: { TRUST_PROXY: 'true' } })
    try {
      expect(behindProxy.app.proxy).toBe(true)
    } finally {
      await behindProxy.close()
    }
  })

  it('documents request bodies as they are read: unknown fields are ignored, never claimed to be refused', async () => {
    const doc = (await s.http.get('/api/openapi.json')).body
    const schemas = doc.components.schemas as Record<string, unknown>
    /** Every schema a request body reaches, following $refs into the components. */
    const reached = (node: unknown, seen = new Set<string>()): unknown[] => {
      if (!node || typeof node !== 'object') return []
      const ref = (node as { $ref?: string }).$ref
      if (ref) {
        const id = ref.replace('#/components/schemas/', '')
        if (seen.has(id)) return []
        seen.add(id)
        return reached(schemas[id], seen)
      }
      return [node, ...Object.values(node).flatMap((child) => reached(child, seen))]
    }
    const bodies = Object.values(doc.paths as Record<string, Record<string, any>>)
      .flatMap((ops) => Object.values(ops))
      .flatMap((op) => (op.requestBody ? [op.requestBody.content['application/json'].schema] : []))
    expect(bodies.length).toBeGreaterThan(20)
    for (const body of bodies) {
      expect(reached(body).filter((n) => (n as { additionalProperties?: unknown }).additionalProperties === false)).toEqual([])
    }
    // And the server does what the document says: the extra field is dropped, the request goes through.
    const login = await s.http.post('/api/auth/staff', { username: 'staff', password: 'anju-demo-2026', role: 'admin' })
    expect(login.status).toBe(200)
    expect(login.body.user.role).toBe('staff')
    // Answers are exactly their schemas, as the document says of them.
    expect(schemas.User).toMatchObject({ additionalProperties: false })
  })
})

describe('the h5 app behind security headers', () => {
  let s: TestServer
  const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-h5-'))
  const inline = '!function(){document.documentElement.style.fontSize="20px"}();'

  beforeAll(async () => {
    fs.writeFileSync(path.join(staticDir, 'index.html'), `<!doctype html><html><head><script>${inline}</script><script defer src="/js/app.js"></script></head><body><div id="app"></div></body></html>`)
    s = await startTestServer('sqlite', { seed: false, env: { STATIC_DIR: staticDir, PUBLIC_BASE_URL: 'https://anju.example.cn' } })
  })
  afterAll(async () => {
    await s?.close()
    fs.rmSync(staticDir, { recursive: true, force: true })
  })

  it('serves the app with a CSP that allows its own scripts (the inline one by hash), and no framing', async () => {
    const res = await fetch(`${s.url}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const policy = Object.fromEntries((res.headers.get('content-security-policy') ?? '').split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/)
      return [name, values]
    }))
    const hash = `'sha256-${createHash('sha256').update(inline).digest('base64')}'`
    expect(policy['default-src']).toEqual(["'self'"])
    const tabBarLink = `'sha256-${createHash('sha256').update('javascript:;').digest('base64')}'`
    expect(policy['script-src']).toEqual(["'self'", hash, "'unsafe-hashes'", tabBarLink])
    expect(policy['frame-ancestors']).toEqual(["'none'"])
    expect(policy['object-src']).toEqual(["'none'"])
    // Photos come from the public base URL (signed links), the camera roll (blob:) and QR codes (data:).
    expect(policy['img-src']).toEqual(["'self'", 'data:', 'blob:', 'https://anju.example.cn'])

    // A revalidated index.html (304) brings no policy of its own: browsers merge a 304's headers into the cached
    // page, and the closed policy of data answers there would stop the app's scripts on the next reload.
    const etag = res.headers.get('etag')
    expect(etag).toBeTruthy()
    // As a browser revalidates (fetch would add Cache-Control: no-cache and get the whole page again).
    const again = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get(`${s.url}/`, { headers: { 'If-None-Match': etag! } }, (r) => resolve(r.resume())).on('error', reject)
    })
    expect(again.statusCode).toBe(304)
    expect(again.headers['content-security-policy']).toBeUndefined()
    expect(again.headers['x-content-type-options']).toBe('nosniff')
  })
})
