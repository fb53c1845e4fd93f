import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from './logger'
import { fileReport } from './testing/cases'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from './testing/databases'
import { startTestServer, type TestServer } from './testing/server'

/** A logger as production builds it, writing its JSON lines here instead of stdout. */
function capturedLogger() {
  const lines: string[] = []
  return { logger: createLogger('debug', { write: (line: string) => void lines.push(line) }), text: () => lines.join('') }
}

describe.each(testDatabaseKinds())('logs without personal data on %s', (kind) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase(kind)
  })
  afterAll(async () => {
    await database?.drop()
  })

  it('keep the values out of a database error: its code stays, the openid in the SQL does not', async () => {
    const user = { openid: 'oAnjuSecretOpenid42', display_name: '张三', role: 'resident', created_at: new Date(), updated_at: new Date() }
    await database.db('users').insert(user)
    const err = await database.db('users').insert(user).then(() => undefined, (e: unknown) => e)
    expect(String(err)).toContain('oAnjuSecretOpenid42')
    const { logger, text } = capturedLogger()
    logger.error({ err }, 'unhandled error')
    expect(text()).not.toContain('oAnjuSecretOpenid42')
    expect(text()).not.toContain('张三')
    expect(text()).toMatch(kind === 'mysql' ? /ER_DUP_ENTRY/ : /SQLITE_CONSTRAINT/)
    expect(text()).toContain('unhandled error')
  })

  it('redact fields that name or reach a person wherever they appear', () => {
    const { logger, text } = capturedLogger()
    logger.info({ user: { openid: 'oX1', unionid: 'uX1', phone: '13812345678', phoneNumber: '13912345678', sessionKey: 'sk', session_key: 'sk2' }, openid: 'oX2' }, 'x')
    for (const secret of ['oX1', 'uX1', '13812345678', '13912345678', '"sk"', 'sk2', 'oX2']) expect(text()).not.toContain(secret)
  })
})

describe('request logs over HTTP', () => {
  let s: TestServer
  const captured = capturedLogger()
  beforeAll(async () => {
    s = await startTestServer('sqlite', { logger: captured.logger })
  })
  afterAll(async () => {
    await s?.close()
  })

  it('carry no openid, report text, address or phone number through login, reporting and a refusal', async () => {
    const login = await s.http.post('/api/auth/wechat', { code: s.wechat.issueCode('oLoggedOpenid77') })
    expect(login.status).toBe(200)
    const token = login.body.accessToken
    await s.http.post('/api/me/community', { regionId: await s.make.regionId('XT-YT-JSL-XFL') }, { token })
    const filed = await fileReport(s, token, { text: '我叫李四电话13712345678楼下有人占道', location: { lat: 27.8601, lng: 112.9371, address: '幸福里小区七栋' } })
    expect(filed.status).toBe(201)
    expect((await fileReport(s, token, { text: '短' })).status).toBe(400)
    await s.http.post('/api/auth/staff', { username: 'staff', password: 'a-wrong-password' })
    const logs = captured.text()
    expect(logs).toContain('"path":"/api/cases"')
    for (const secret of ['oLoggedOpenid77', '13712345678', '李四', '幸福里小区七栋', 'a-wrong-password', token]) expect(logs).not.toContain(secret)
  })
})
