import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { distanceMeters, gcj02ToWgs84 } from '../../lib/geo'
import { fileReport, jpegWithGps, uploadPhoto } from '../../testing/cases'
import { testDatabaseKinds } from '../../testing/databases'
import { startTestServer, type TestServer } from '../../testing/server'

const KEY = 'test-open311-key-1'
const JURISDICTION = 'xiangtan.test'
/** WGS84, inside 幸福里 once shifted to GCJ-02 (the phone datum our grids are drawn in). */
const WGS = { lat: 27.8645, long: 112.9358 }

/** The fields GeoReport v2 lists for a service request (GET requests). */
const REQUEST_FIELDS = [
  'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible',
  'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode',
  'lat', 'long', 'media_url',
].sort()

describe.each(testDatabaseKinds())('Open311 GeoReport v2 on %s', (kind) => {
  let s: TestServer

  beforeAll(async () => {
    s = await startTestServer(kind, { env: { OPEN311_API_KEYS: `other-key,${KEY}`, OPEN311_JURISDICTION: JURISDICTION } })
  })
  afterAll(async () => {
    await s?.close()
  })

  const get = async (path: string) => {
    const res = await fetch(`${s.url}/open311/v2/${path}`)
    const text = await res.text()
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) }
  }
  const post = async (path: string, form: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await fetch(`${s.url}/open311/v2/${path}`, { method: 'POST', body: new URLSearchParams(form), headers })
    const text = await res.text()
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) }
  }
  const newRequest = (extra: Record<string, string> = {}, headers: Record<string, string> = {}) => post('requests.json', {
    api_key: KEY, jurisdiction_id: JURISDICTION, service_code: 'sanitation', lat: String(WGS.lat), long: String(WGS.long),
    address_string: '幸福里小区东门垃圾站', description: '垃圾站两天没有清运，气味很大', ...extra,
  }, headers)
  /** A GET with whatever Host header the caller likes (fetch would not send a forged one). */
  const getWithHost = (path: string, host: string) => new Promise<{ status: number; json: any }>((resolve, reject) => {
    const url = new URL(`${s.url}/open311/v2/${path}`)
    http.get({ host: url.hostname, port: url.port, path: url.pathname, headers: { Host: host, Origin: 'https://evil.example' } }, (res) => {
      let text = ''
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }))
    }).on('error', reject)
  })
  const feedEntry = async (number: string) =>
    ((await get('requests.json')).json() as { service_request_id: string }[]).find((r) => r.service_request_id === number) as Record<string, any> | undefined

  it('describes itself at discovery, in JSON and XML', async () => {
    const json = await get('discovery.json')
    expect(json.status).toBe(200)
    expect(json.type).toContain('application/json')
    expect(json.json().endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', type: 'production', formats: ['text/xml', 'application/json'] })
    const xml = await get('discovery.xml')
    expect(xml.type).toContain('text/xml')
    expect(xml.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<discovery>/)
    expect(xml.text).toContain('<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification>')
  })

  it('lists services and their definitions, never the confidential ones', async () => {
    const services = (await get(`services.json?jurisdiction_id=${JURISDICTION}`)).json()
    const parking = services.find((x: { service_code: string }) => x.service_code === 'illegal_parking')
    expect(Object.keys(parking).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type'])
    expect(parking).toMatchObject({ service_name: '违章停车', metadata: true, type: 'realtime' })
    expect(services.map((x: { service_code: string }) => x.service_code)).not.toContain('drug_clue')
    const xml = await get('services.xml')
    expect(xml.text).toContain('<services><service><service_code>')
    const definition = (await get('services/illegal_parking.json')).json()
    expect(definition).toEqual({
      service_code: 'illegal_parking',
      attributes: [expect.objectContaining({ variable: true, code: 'plate', datatype: 'string', required: true, order: 1 })],
    })
    expect((await get('services/illegal_parking.xml')).text).toContain('<service_definition><service_code>illegal_parking</service_code><attributes><attribute>')
    const missing = await get('services/drug_clue.json')
    expect(missing.status).toBe(404)
    expect(missing.json()).toEqual([{ code: 404, description: 'service_code not found' }])
  })

  it('answers errors in the spec\'s format, JSON or XML', async () => {
    const wrong = await get('services.xml?jurisdiction_id=elsewhere')
    expect(wrong.status).toBe(404)
    expect(wrong.text).toBe('<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>404</code><description>jurisdiction_id not found</description></error></errors>')
    const noKey = await post('requests.json', { service_code: 'sanitation', lat: '27.86', long: '112.94', description: '路面有大坑需要修补' })
    expect(noKey.status).toBe(400)
    expect(noKey.json()).toEqual([{ code: 400, description: 'api_key is required' }])
    expect((await newRequest({ api_key: 'nope' })).status).toBe(403)
    const noPlate = await newRequest({ service_code: 'illegal_parking' })
    expect(noPlate.status).toBe(400)
    expect(noPlate.json()[0].description).toContain('PLATE_REQUIRED')
    const noPlace = await post('requests.json', { api_key: KEY, service_code: 'sanitation', description: '路面有大坑需要修补' })
    expect(noPlace.json()[0].description).toMatch(/lat and long/)
    expect((await get('requests.json?start_date=yesterday')).status).toBe(400)
  })

  it('creates a request from WGS84 and gives it back in WGS84, by id and by token', async () => {
    const created = await newRequest()
    expect(created.status).toBe(201)
    const [answer] = created.json()
    expect(answer).toMatchObject({ service_request_id: expect.stringMatching(/^\d{6}-\d{4}$/), account_id: null })
    // GeoReport v2: the id when the request exists at once, a token only when it does not; never both.
    expect(answer).not.toHaveProperty('token')
    // Stored in GCJ-02 like everything from phones: a few hundred metres from the WGS84 input.
    const row = await s.database.db('cases').where({ number: answer.service_request_id }).first()
    expect(distanceMeters([row.lat, row.lng], [WGS.lat, WGS.long])).toBeGreaterThan(200)

    const [request] = (await get(`requests/${answer.service_request_id}.json`)).json()
    expect(Object.keys(request).sort()).toEqual(REQUEST_FIELDS)
    expect(request).toMatchObject({ status: 'open', service_code: 'sanitation', agency_responsible: '幸福里第一网格', description: '垃圾站两天没有清运，气味很大' })
    // The public feed places it to about 100 m, never to the metre.
    expect(distanceMeters([request.lat, request.long], [WGS.lat, WGS.long])).toBeLessThan(100)
    expect(new Date(request.requested_datetime).toISOString()).toBe(request.requested_datetime)
    // Tokens handed out before requests were answered with their id still resolve.
    await s.database.db('cases').where({ number: answer.service_request_id }).update({ open311_token: 'legacy-token-0001' })
    expect((await get('tokens/legacy-token-0001.json')).json()).toEqual([{ service_request_id: answer.service_request_id, token: 'legacy-token-0001' }])
    const xml = await get(`requests/${answer.service_request_id}.xml`)
    expect(xml.text).toContain(`<service_requests><request><service_request_id>${answer.service_request_id}</service_request_id><status>open</status>`)
  })

  it('publishes residents\' reports coarsely: no exact position, address, anonymous text or unconsented photo', async () => {
    const resident = await s.http.residentToken()
    const exact = { lat: 27.8612345, lng: 112.9412345 }
    const text = '我是3栋的张三，电话13812345678，楼下烧烤摊油烟很大'
    const photo = await uploadPhoto(s, resident, await jpegWithGps())
    const anonymous = await fileReport(s, resident, {
      categoryCode: 'property', text, anonymous: true, photoIds: [photo.body.id],
      location: { ...exact, address: '湘潭市岳塘区建设路幸福里小区 3 栋 2 单元' },
    })
    expect(anonymous.status).toBe(201)
    const entry = (await feedEntry(anonymous.body.case.number))!
    expect(entry).toBeDefined()
    expect(JSON.stringify(entry)).not.toMatch(/张三|13812345678|烧烤|3 栋|2 单元/)
    expect(entry.description).toBe('匿名反映，内容不公开')
    expect(entry.media_url).toBeNull()
    // Three decimals of a degree: about 100 m, and never the exact point.
    for (const v of [entry.lat, entry.long]) expect(Math.round(v * 1000) / 1000).toBe(v)
    const [wLat, wLng] = gcj02ToWgs84(exact.lat, exact.lng)
    const off = distanceMeters([entry.lat, entry.long], [wLat, wLng])
    expect(off).toBeGreaterThan(1)
    expect(off).toBeLessThan(100)
    expect(entry.address).not.toContain('幸福里小区')

    // Named: the text is published with numbers masked; photos only where the reporter agreed.
    const named = await fileReport(s, resident, { categoryCode: 'property', text, photoIds: [(await uploadPhoto(s, resident, await jpegWithGps())).body.id] })
    const namedEntry = (await feedEntry(named.body.case.number))!
    expect(namedEntry.description).toContain('楼下烧烤摊油烟很大')
    expect(namedEntry.description).not.toContain('13812345678')
    expect(namedEntry.media_url).toBeNull()

    const agreed = await fileReport(s, resident, { categoryCode: 'complaint_other', text: '健身器材螺丝松动有安全隐患', publicPhotos: true, photoIds: [(await uploadPhoto(s, resident, await jpegWithGps())).body.id] })
    expect(agreed.status).toBe(201)
    const shared = (await feedEntry(agreed.body.case.number))!
    expect(shared.media_url).toMatch(new RegExp(`^${s.config.publicBaseUrl}/open311/v2/media/[a-f0-9]{32}$`))
    const image = await fetch(shared.media_url)
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toBe('image/jpeg')
  })

  it('drops a category from the feed once it is made confidential, old requests included', async () => {
    const resident = await s.http.residentToken()
    const photo = (await uploadPhoto(s, resident, await jpegWithGps())).body
    const filed = await fileReport(s, resident, { categoryCode: 'neighbour_dispute', text: '邻居长期占用楼道堆放杂物', publicPhotos: true, photoIds: [photo.id] })
    const number = filed.body.case.number
    const entry = (await feedEntry(number))!
    expect((await fetch(entry.media_url)).status).toBe(200)
    const admin = await s.http.staffToken('admin')
    expect((await s.http.request('PUT', '/api/admin/categories/neighbour_dispute', { confidential: true }, { token: admin })).status).toBe(200)
    try {
      expect(await feedEntry(number)).toBeUndefined()
      expect((await get(`requests/${number}.json`)).status).toBe(404)
      expect((await get(`requests.json?service_request_id=${number}`)).json()).toEqual([])
      expect((await get('services.json')).json().map((x: { service_code: string }) => x.service_code)).not.toContain('neighbour_dispute')
      expect((await fetch(entry.media_url)).status).toBe(404)
    } finally {
      await s.http.request('PUT', '/api/admin/categories/neighbour_dispute', { confidential: false }, { token: admin })
    }
  })

  it('builds absolute URLs from PUBLIC_BASE_URL, never from the caller\'s Host or Origin', async () => {
    const forged = await getWithHost('discovery.json', 'evil.example')
    expect(forged.json.endpoints[0].url).toBe(`${s.config.publicBaseUrl}/open311/v2`)
    const forwarded = await (await fetch(`${s.url}/open311/v2/discovery.json`, { headers: { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' } })).json() as any
    expect(forwarded.endpoints[0].url).toBe(`${s.config.publicBaseUrl}/open311/v2`)
  })

  it('scopes Idempotency-Key by API key and form: another client\'s report is filed, a bogus key is refused', async () => {
    const key = `open311-${Date.now()}`
    const a = await newRequest({ description: '甲：路灯不亮已经三天了', lat: String(WGS.lat - 0.008) }, { 'Idempotency-Key': key })
    expect(a.status).toBe(201)
    const again = await newRequest({ description: '甲：路灯不亮已经三天了', lat: String(WGS.lat - 0.008) }, { 'Idempotency-Key': key })
    expect(again.status).toBe(201)
    expect(again.json()).toEqual(a.json())

    const b = await newRequest({ api_key: 'other-key', description: '乙：井盖缺失容易摔倒', lat: String(WGS.lat - 0.01) }, { 'Idempotency-Key': key })
    expect(b.status).toBe(201)
    expect(b.json()[0].service_request_id).not.toBe(a.json()[0].service_request_id)
    expect((await get(`requests/${b.json()[0].service_request_id}.json`)).json()[0].description).toBe('乙：井盖缺失容易摔倒')

    const bogus = await newRequest({ api_key: 'not-a-key', description: '甲：路灯不亮已经三天了', lat: String(WGS.lat - 0.008) }, { 'Idempotency-Key': key })
    expect(bogus.status).toBe(403)
    expect(bogus.json()).toEqual([{ code: 403, description: 'api_key is not valid' }])

    const changed = await newRequest({ description: '甲：换了内容的另一件事情', lat: String(WGS.lat - 0.008) }, { 'Idempotency-Key': key })
    expect(changed.status).toBe(409)
    expect(changed.json()[0]).toMatchObject({ code: 409 })
  })

  it('refuses a form over 64 KB with 413 and a foreign jurisdiction_id in the form', async () => {
    const before = Number((await s.database.db('cases').count({ n: '*' }).first())!.n)
    const huge = await newRequest({ description: '太长'.repeat(40_000) })
    expect(huge.status).toBe(413)
    expect(huge.json()).toEqual([{ code: 413, description: expect.any(String) }])
    const hugeXml = await post('requests.xml', { api_key: KEY, description: 'x'.repeat(70_000) })
    expect(hugeXml.status).toBe(413)
    expect(hugeXml.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<errors><error><code>413<\/code>/)
    const asJson = await fetch(`${s.url}/open311/v2/requests.json`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ api_key: KEY, service_code: 'sanitation', lat: WGS.lat, long: WGS.long, description: '太长'.repeat(20_000) }),
    })
    expect(asJson.status).toBe(415)
    expect(await asJson.json()).toEqual([{ code: 415, description: 'requests are posted as application/x-www-form-urlencoded' }])
    const elsewhere = await newRequest({ jurisdiction_id: 'elsewhere.example' })
    expect(elsewhere.status).toBe(404)
    expect(elsewhere.json()).toEqual([{ code: 404, description: 'jurisdiction_id not found' }])
    expect(Number((await s.database.db('cases').count({ n: '*' }).first())!.n)).toBe(before)
  })

  it('filters requests by id, service, status and date', async () => {
    const [a] = (await newRequest({ lat: String(WGS.lat - 0.002) })).json()
    const [b] = (await newRequest({ service_code: 'facility_damage', description: '健身器材损坏有安全隐患', lat: String(WGS.lat - 0.004) })).json()
    const byId = (await get(`requests.json?service_request_id=${a.service_request_id},${b.service_request_id}`)).json()
    expect(byId.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual([a.service_request_id, b.service_request_id].sort())
    const byCode = (await get('requests.json?service_code=facility_damage')).json()
    expect(byCode.every((r: { service_code: string }) => r.service_code === 'facility_damage')).toBe(true)
    expect((await get('requests.json?status=closed')).json()).toEqual([])
    expect((await get('requests.json?status=open')).json().length).toBeGreaterThanOrEqual(2)
    expect((await get('requests.json?end_date=2020-01-01T00:00:00Z')).json()).toEqual([])
    expect((await get('requests.json?status=pending')).status).toBe(400)
  })

  it('accepts keys an admin issues, and only admins issue them', async () => {
    const staff = await s.http.post('/api/admin/open311-keys', { name: '12345 热线' }, { token: await s.http.staffToken('staff') })
    expect(staff.status).toBe(403)
    const issued = await s.http.post('/api/admin/open311-keys', { name: '12345 热线' }, { token: await s.http.staffToken('admin') })
    expect(issued.status).toBe(201)
    const created = await newRequest({ api_key: issued.body.apiKey, lat: String(WGS.lat - 0.006) })
    expect(created.status).toBe(201)
    expect(await s.database.db('open311_keys').where({ key_hash: issued.body.apiKey })).toHaveLength(0)
  })
})
