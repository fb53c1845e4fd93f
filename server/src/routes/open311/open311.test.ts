import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { distanceMeters } from '../../lib/geo'
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
  const post = async (path: string, form: Record<string, string>) => {
    const res = await fetch(`${s.url}/open311/v2/${path}`, { method: 'POST', body: new URLSearchParams(form) })
    const text = await res.text()
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) }
  }
  const newRequest = (extra: Record<string, string> = {}) => post('requests.json', {
    api_key: KEY, jurisdiction_id: JURISDICTION, service_code: 'sanitation', lat: String(WGS.lat), long: String(WGS.long),
    address_string: '幸福里小区东门垃圾站', description: '垃圾站两天没有清运，气味很大', ...extra,
  })

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
    expect(answer).toMatchObject({ service_request_id: expect.stringMatching(/^\d{6}-\d{4}$/), token: expect.any(String), account_id: null })
    // Stored in GCJ-02 like everything from phones: a few hundred metres from the WGS84 input.
    const row = await s.database.db('cases').where({ number: answer.service_request_id }).first()
    expect(distanceMeters([row.lat, row.lng], [WGS.lat, WGS.long])).toBeGreaterThan(200)

    const [request] = (await get(`requests/${answer.service_request_id}.json`)).json()
    expect(Object.keys(request).sort()).toEqual(REQUEST_FIELDS)
    expect(request).toMatchObject({ status: 'open', service_code: 'sanitation', agency_responsible: '幸福里第一网格', address: '幸福里小区东门垃圾站' })
    expect(distanceMeters([request.lat, request.long], [WGS.lat, WGS.long])).toBeLessThan(0.5)
    expect(new Date(request.requested_datetime).toISOString()).toBe(request.requested_datetime)

    const token = (await get(`tokens/${answer.token}.json`)).json()
    expect(token).toEqual([{ service_request_id: answer.service_request_id, token: answer.token }])
    const xml = await get(`requests/${answer.service_request_id}.xml`)
    expect(xml.text).toContain(`<service_requests><request><service_request_id>${answer.service_request_id}</service_request_id><status>open</status>`)
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
