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
})
