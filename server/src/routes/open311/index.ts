import { randomUUID } from 'node:crypto'
import {
  FINAL_CASE_STATUSES, REPORT_KIND_LABELS, RESOLUTION_OUTCOME_LABELS, SubmitReportInput, type CaseStatus,
} from '@anju/shared'
import { koaBody } from 'koa-body'
import type { AppContext } from '../../context'
import { submitReport } from '../../commands/submitReport'
import { withTransaction } from '../../db/transaction'
import { AppError } from '../../errors'
import { gcj02ToWgs84, wgs84ToGcj02 } from '../../lib/geo'
import type { Actor } from '../../policies'
import { photoUrl } from '../../presenters/cases'
import { casesRepo, type CaseRow } from '../../repositories/cases'
import { categoriesRepo, type CategoryRow } from '../../repositories/categories'
import { hashApiKey, open311KeysRepo } from '../../repositories/open311Keys'
import { regionsRepo } from '../../repositories/regions'
import { usersRepo } from '../../repositories/users'
import type { AppRouter } from '../define'
import { listToXml, objectToXml, splitFormat, type Open311Format } from './format'

const BASE = '/open311/v2'
const SPEC = 'http://wiki.open311.org/GeoReport_v2'
const CHANGESET = '2026-11-25T00:00:00Z'
const DEFAULT_WINDOW_MS = 90 * 24 * 60 * 60 * 1000
const MAX_RESULTS = 1000

/** An error in the spec's shape: [{code, description}] / <errors><error>…</error></errors>. */
class Open311Error extends Error {
  constructor(readonly status: number, description: string) {
    super(description)
  }
}

function send(ctx: AppContext, format: Open311Format, status: number, json: unknown, xml: () => string) {
  ctx.status = status
  if (format === 'xml') {
    ctx.type = 'text/xml; charset=utf-8'
    ctx.body = xml()
  } else {
    ctx.type = 'application/json; charset=utf-8'
    ctx.body = JSON.stringify(json)
  }
}

/** Runs an Open311 handler, rendering every failure in the spec's error format (never ours). */
function open311(handler: (ctx: AppContext, file: { name: string; format: Open311Format }) => Promise<void>) {
  return async function open311Handler(ctx: AppContext) {
    const file = splitFormat(String((ctx as AppContext & { params: Record<string, string> }).params.file ?? ''))
    const format = file?.format ?? 'json'
    try {
      if (!file) throw new Open311Error(404, 'unknown resource or format (use .json or .xml)')
      const jurisdiction = ctx.query.jurisdiction_id ?? (ctx.request.body as Record<string, unknown> | undefined)?.jurisdiction_id
      if (jurisdiction !== undefined && jurisdiction !== ctx.services.config.open311.jurisdiction) {
        throw new Open311Error(404, 'jurisdiction_id not found')
      }
      await handler(ctx, file)
    } catch (err) {
      const e = err instanceof Open311Error ? err
        : err instanceof AppError ? new Open311Error(err.status >= 500 ? err.status : err.status === 404 ? 404 : err.status === 403 ? 403 : 400, `${err.message} (${err.code})`)
          : undefined
      if (!e) {
        ctx.state.log?.error({ err }, 'open311 failure')
      }
      const error = e ?? new Open311Error(500, 'internal error')
      const body = [{ code: error.status, description: error.message }]
      send(ctx, format, error.status, body, () => listToXml('errors', 'error', body))
    }
  }
}

const serviceOf = (c: CategoryRow) => ({
  service_code: c.code,
  service_name: c.name,
  description: `${REPORT_KIND_LABELS[c.kind]}：${c.name}`,
  metadata: c.required_fields.includes('plate'),
  type: 'realtime',
  keywords: c.kind,
  group: REPORT_KIND_LABELS[c.kind],
})

function definitionOf(c: CategoryRow) {
  const attributes = c.required_fields.includes('plate')
    ? [{
        variable: true, code: 'plate', datatype: 'string', required: true,
        datatype_description: '车牌号，例如 湘C12345 或新能源 湘CD12345', order: 1, description: '车牌号', values: [],
      }]
    : []
  return { service_code: c.code, attributes }
}

async function requestView(ctx: AppContext, c: CaseRow, names: Map<string, string>) {
  const [lat, long] = gcj02ToWgs84(c.lat, c.lng)
  const region = await regionsRepo.findById(ctx.services.db, c.region_id)
  return {
    service_request_id: c.number,
    status: (FINAL_CASE_STATUSES as CaseStatus[]).includes(c.status) ? 'closed' : 'open',
    status_notes: c.status === 'rejected' ? '不予受理' : c.outcome ? RESOLUTION_OUTCOME_LABELS[c.outcome] : null,
    service_name: names.get(c.category_code) ?? c.category_code,
    service_code: c.category_code,
    description: c.text,
    agency_responsible: region?.name ?? null,
    service_notice: null,
    requested_datetime: c.created_at.toISOString(),
    updated_datetime: c.updated_at.toISOString(),
    expected_datetime: c.resolve_due_at.toISOString(),
    address: c.address,
    address_id: null,
    zipcode: null,
    lat: Math.round(lat * 1e7) / 1e7,
    long: Math.round(long * 1e7) / 1e7,
    media_url: c.photo_ids[0] ? `${ctx.origin}${photoUrl(c.photo_ids[0])}` : null,
  }
}

async function sendRequests(ctx: AppContext, format: Open311Format, cases: CaseRow[]) {
  const categories = await categoriesRepo.findByCodes(ctx.services.db, [...new Set(cases.map((c) => c.category_code))])
  const names = new Map(categories.map((c) => [c.code, c.name]))
  const items: Awaited<ReturnType<typeof requestView>>[] = []
  for (const c of cases) items.push(await requestView(ctx, c, names))
  send(ctx, format, 200, items, () => listToXml('service_requests', 'request', items))
}

const list = (v: unknown) => (typeof v === 'string' && v.trim() ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined)

function parseDate(v: unknown, name: string): Date | undefined {
  if (v === undefined || v === '') return undefined
  const d = new Date(String(v))
  if (typeof v !== 'string' || Number.isNaN(d.getTime())) throw new Open311Error(400, `${name} must be a w3 date-time`)
  return d
}

/** The account an API key files as: an issued key's own, or one per key listed in OPEN311_API_KEYS. */
async function reporterForKey(ctx: AppContext, key: string | undefined): Promise<Actor> {
  if (!key) throw new Open311Error(400, 'api_key is required')
  const { db, config } = ctx.services
  let userId = await open311KeysRepo.userForKey(db, key)
  if (!userId && config.open311.apiKeys.includes(key)) {
    const openid = `open311:${hashApiKey(key).slice(0, 24)}`
    userId = (await usersRepo.findByOpenid(db, openid))?.id
    if (!userId) {
      try {
        userId = await usersRepo.insert(db, { openid, displayName: 'Open311 接入', role: 'resident' })
      } catch {
        userId = (await usersRepo.findByOpenid(db, openid))?.id
      }
    }
  }
  if (!userId) throw new Open311Error(403, 'api_key is not valid')
  const user = (await usersRepo.findById(db, userId))!
  if (user.disabled) throw new Open311Error(403, 'api_key is not valid')
  return { id: user.id, role: user.role, displayName: user.display_name, region: null }
}

/** Open311 GeoReport v2 at /open311/v2/: its own formats (JSON and XML) and its own error shape. */
export function open311Routes(router: AppRouter) {
  router.get(`${BASE}/:file`, open311(async (ctx, { name, format }) => {
    const { db } = ctx.services
    if (name === 'discovery') {
      const body = {
        changeset: CHANGESET,
        contact: '安居 Anju 平台运营',
        key_service: '向市级管理员申请 api_key',
        endpoints: [{ specification: SPEC, url: `${ctx.origin}${BASE}`, changeset: CHANGESET, type: 'production', formats: ['text/xml', 'application/json'] }],
      }
      return send(ctx, format, 200, body, () => objectToXml('discovery', body))
    }
    if (name === 'services') {
      const services = (await categoriesRepo.list(db)).filter((c) => !c.confidential).map(serviceOf)
      return send(ctx, format, 200, services, () => listToXml('services', 'service', services))
    }
    if (name === 'requests') {
      const q = ctx.query
      const ids = list(q.service_request_id)
      const statuses = list(q.status)
      if (statuses?.some((s) => s !== 'open' && s !== 'closed')) throw new Open311Error(400, 'status must be open or closed')
      const end = parseDate(q.end_date, 'end_date') ?? new Date()
      const start = parseDate(q.start_date, 'start_date') ?? new Date(end.getTime() - DEFAULT_WINDOW_MS)
      if (start > end) throw new Open311Error(400, 'start_date must not be after end_date')
      const wanted: CaseStatus[] | undefined = statuses
        ? (['submitted', 'accepted', 'dispatched', 'in_progress', 'resolved', 'verified', 'escalated', 'reopened', 'closed', 'rejected'] as CaseStatus[])
            .filter((s) => statuses.includes((FINAL_CASE_STATUSES as CaseStatus[]).includes(s) ? 'closed' : 'open'))
        : undefined
      const cases = await casesRepo.listForOpen311(db, {
        numbers: ids, codes: list(q.service_code), statuses: wanted,
        // Asking by id ignores the default date window, as the spec says.
        from: ids && !q.start_date ? new Date(0) : start, to: end, limit: MAX_RESULTS,
      })
      return sendRequests(ctx, format, cases)
    }
    throw new Open311Error(404, 'unknown resource')
  }))

  router.get(`${BASE}/services/:file`, open311(async (ctx, { name, format }) => {
    const category = await categoriesRepo.findByCode(ctx.services.db, name)
    if (!category || !category.active || category.confidential) throw new Open311Error(404, 'service_code not found')
    const definition = definitionOf(category)
    send(ctx, format, 200, definition, () => objectToXml('service_definition', definition))
  }))

  router.get(`${BASE}/requests/:file`, open311(async (ctx, { name, format }) => {
    const c = await casesRepo.findByNumber(ctx.services.db, name)
    if (!c || c.confidential) throw new Open311Error(404, 'service_request_id not found')
    await sendRequests(ctx, format, [c])
  }))

  router.get(`${BASE}/tokens/:file`, open311(async (ctx, { name, format }) => {
    const c = await casesRepo.findByOpen311Token(ctx.services.db, name)
    if (!c) throw new Open311Error(404, 'token not found')
    const body = [{ service_request_id: c.number, token: name }]
    send(ctx, format, 200, body, () => listToXml('service_requests', 'request', body))
  }))

  router.post(`${BASE}/:file`, open311(async (ctx, { name, format }) => {
    if (name !== 'requests') throw new Open311Error(404, 'unknown resource')
    await koaBody({ urlencoded: true, json: false, text: false, multipart: false, formLimit: '64kb' })(ctx as never, async () => undefined)
    const form = (ctx.request.body ?? {}) as Record<string, any>
    const actor = await reporterForKey(ctx, typeof form.api_key === 'string' ? form.api_key : undefined)
    const category = typeof form.service_code === 'string' ? await categoriesRepo.findByCode(ctx.services.db, form.service_code) : undefined
    if (!category || !category.active || category.confidential) throw new Open311Error(400, 'service_code not found')
    const lat = Number(form.lat)
    const long = Number(form.long)
    if (form.lat === undefined || form.long === undefined || !Number.isFinite(lat) || !Number.isFinite(long)) {
      throw new Open311Error(400, 'lat and long are required (address_id is not supported)')
    }
    const [gLat, gLng] = wgs84ToGcj02(lat, long)
    const parsed = SubmitReportInput.safeParse({
      kind: category.kind,
      categoryCode: category.code,
      text: form.description ?? '',
      location: { lat: gLat, lng: gLng, address: form.address_string || `${lat},${long}` },
      ...(form.attribute?.plate ? { plate: String(form.attribute.plate) } : {}),
      anonymous: false,
      occurredAt: new Date().toISOString(),
    })
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw new Open311Error(400, `${issue.path.join('.') || 'request'}: ${issue.message}`)
    }
    const { services } = ctx
    const owner = await usersRepo.findById(services.db, actor.id)
    if ((await services.contentCheck.check(parsed.data.text, owner?.openid ?? null)) === 'risky') {
      throw new Open311Error(400, 'description: 内容含有违规信息')
    }
    // An API client files for many people: its rate limit is a hundred residents'.
    const limits = { ...services.config.gridLoop, reportsPerHour: services.config.gridLoop.reportsPerHour * 100, reportsPerDay: services.config.gridLoop.reportsPerDay * 100 }
    const answer = await withTransaction(services.db, async (trx) => {
      const { caseId, duplicate } = await submitReport({ trx, actor, input: parsed.data, limits })
      const c = (await casesRepo.findById(trx, caseId))!
      if (duplicate) return { service_request_id: c.number, service_notice: '与已有诉求重复，已合并到该诉求', account_id: null }
      const token = randomUUID()
      await casesRepo.setOpen311Token(trx, caseId, token)
      return { service_request_id: c.number, token, service_notice: `已受理，编号 ${c.number}`, account_id: null }
    })
    send(ctx, format, 201, [answer], () => listToXml('service_requests', 'request', [answer]))
  }))
}
