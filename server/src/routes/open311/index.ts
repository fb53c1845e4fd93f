import { FINAL_CASE_STATUSES, REPORT_KIND_LABELS, SubmitReportInput, UploadIdParam, type CaseStatus } from '@anju/shared'
import { z } from 'zod'
import type { AppContext } from '../../context'
import { submitReport } from '../../commands/submitReport'
import type { Queryable } from '../../db/knex'
import { wgs84ToGcj02 } from '../../lib/geo'
import { requireActor } from '../../middleware/authenticate'
import { transact } from '../../middleware/idempotency'
import { casesRepo, type CaseRow } from '../../repositories/cases'
import { categoriesRepo, type CategoryRow } from '../../repositories/categories'
import { uploadsRepo } from '../../repositories/uploads'
import { usersRepo } from '../../repositories/users'
import type { AppRouter } from '../define'
import { feedContext, publicRequest } from './feed'
import { splitFormat } from './format'
import { OPEN311_BASE as BASE, Open311Error, sendOpen311 } from './gateway'

export { open311Gateway } from './gateway'

const SPEC = 'http://wiki.open311.org/GeoReport_v2'
const CHANGESET = '2026-11-25T00:00:00Z'
const DEFAULT_WINDOW_MS = 90 * 24 * 60 * 60 * 1000
const MAX_RESULTS = 1000
const ALL_STATUSES: CaseStatus[] = ['submitted', 'accepted', 'dispatched', 'in_progress', 'resolved', 'verified', 'escalated', 'reopened', 'closed', 'rejected']

/** POST requests answers the id (the case exists at once), so never a token: the spec allows one or the other. */
const CreatedRequest = z.array(z.object({ service_request_id: z.string(), service_notice: z.string(), account_id: z.null() }))

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

const mediaUrlFor = (ctx: AppContext) => (uploadId: string) => `${ctx.services.config.publicBaseUrl}${BASE}/media/${uploadId}`

async function sendRequests(ctx: AppContext, cases: CaseRow[]) {
  const feed = await feedContext(ctx.services.db, cases, mediaUrlFor(ctx))
  sendOpen311(ctx, 200, cases.map((c) => publicRequest(c, feed)), { list: ['service_requests', 'request'] })
}

/** A case by its number, if public feeds may show it. */
async function publicCase(db: Queryable, number: string) {
  return (await casesRepo.listPublic(db, { numbers: [number], from: new Date(0), to: new Date(), limit: 1 }))[0]
}

const list = (v: unknown) => (typeof v === 'string' && v.trim() ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined)

function parseDate(v: unknown, name: string): Date | undefined {
  if (v === undefined || v === '') return undefined
  const d = new Date(String(v))
  if (typeof v !== 'string' || Number.isNaN(d.getTime())) throw new Open311Error(400, `${name} must be a w3 date-time`)
  return d
}

/** The resource a path segment names ("requests.json" → requests); the gateway has answered for the format. */
function resourceOf(ctx: AppContext, param = 'file'): string {
  const file = splitFormat(String((ctx as AppContext & { params: Record<string, string> }).params[param] ?? ''))
  if (!file) throw new Open311Error(404, 'unknown resource or format (use .json or .xml)')
  return file.name
}

/** Open311 GeoReport v2 at /open311/v2/: its own formats (JSON and XML) and its own error shape (see gateway). */
export function open311Routes(router: AppRouter) {
  router.get(`${BASE}/media/:id`, async function open311Media(ctx) {
    const params = UploadIdParam.safeParse(ctx.params)
    const { db, files } = ctx.services
    const upload = params.success ? await uploadsRepo.findById(db, params.data.id) : undefined
    const c = upload?.case_id ? await casesRepo.findById(db, upload.case_id) : undefined
    // Checked on every fetch: a category made confidential, or a case whose reporter did not agree, shows nothing.
    const shown = c && c.photos_public && c.photo_ids.includes(upload!.id) && (await publicCase(db, c.number))
    const bytes = shown ? await files.get(upload!.public_key) : null
    if (!bytes) throw new Open311Error(404, 'media not found')
    ctx.set('Cache-Control', 'public, max-age=300')
    ctx.type = upload!.content_type
    ctx.body = bytes
  })

  router.get(`${BASE}/:file`, async function open311Resource(ctx) {
    const { db, config } = ctx.services
    const name = resourceOf(ctx)
    if (name === 'discovery') {
      const body = {
        changeset: CHANGESET,
        contact: '安居 Anju 平台运营',
        key_service: '向市级管理员申请 api_key',
        endpoints: [{ specification: SPEC, url: `${config.publicBaseUrl}${BASE}`, changeset: CHANGESET, type: 'production', formats: ['text/xml', 'application/json'] }],
      }
      return sendOpen311(ctx, 200, body, { object: 'discovery' })
    }
    if (name === 'services') {
      const services = (await categoriesRepo.list(db)).filter((c) => !c.confidential).map(serviceOf)
      return sendOpen311(ctx, 200, services, { list: ['services', 'service'] })
    }
    if (name === 'requests') {
      const q = ctx.query
      const ids = list(q.service_request_id)
      const statuses = list(q.status)
      if (statuses?.some((s) => s !== 'open' && s !== 'closed')) throw new Open311Error(400, 'status must be open or closed')
      const end = parseDate(q.end_date, 'end_date') ?? new Date()
      const start = parseDate(q.start_date, 'start_date') ?? new Date(end.getTime() - DEFAULT_WINDOW_MS)
      if (start > end) throw new Open311Error(400, 'start_date must not be after end_date')
      const wanted = statuses
        ? ALL_STATUSES.filter((s) => statuses.includes((FINAL_CASE_STATUSES as CaseStatus[]).includes(s) ? 'closed' : 'open'))
        : undefined
      const cases = await casesRepo.listPublic(db, {
        numbers: ids, codes: list(q.service_code), statuses: wanted,
        // Asking by id ignores the default date window, as the spec says.
        from: ids && !q.start_date ? new Date(0) : start, to: end, limit: MAX_RESULTS,
      })
      return sendRequests(ctx, cases)
    }
    throw new Open311Error(404, 'unknown resource')
  })

  router.get(`${BASE}/services/:file`, async function open311ServiceDefinition(ctx) {
    const category = await categoriesRepo.findByCode(ctx.services.db, resourceOf(ctx))
    if (!category || !category.active || category.confidential) throw new Open311Error(404, 'service_code not found')
    sendOpen311(ctx, 200, definitionOf(category), { object: 'service_definition' })
  })

  router.get(`${BASE}/requests/:file`, async function open311Request(ctx) {
    const c = await publicCase(ctx.services.db, resourceOf(ctx))
    if (!c) throw new Open311Error(404, 'service_request_id not found')
    await sendRequests(ctx, [c])
  })

  router.get(`${BASE}/tokens/:file`, async function open311Token(ctx) {
    const token = resourceOf(ctx)
    const found = await casesRepo.findByOpen311Token(ctx.services.db, token)
    const c = found && (await publicCase(ctx.services.db, found.number))
    if (!c) throw new Open311Error(404, 'token not found')
    const body = [{ service_request_id: c.number, token }]
    sendOpen311(ctx, 200, body, { list: ['service_requests', 'request'] })
  })

  // The gateway has read the form and made the API key's account the actor.
  router.post(`${BASE}/:file`, async function open311NewRequest(ctx) {
    if (resourceOf(ctx) !== 'requests') throw new Open311Error(404, 'unknown resource')
    const actor = requireActor(ctx)
    const form = (ctx.request.body ?? {}) as Record<string, any>
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
    const answer = await transact(ctx, async (trx) => {
      const { caseId, duplicate } = await submitReport({ trx, actor, input: parsed.data, limits })
      const c = (await casesRepo.findById(trx, caseId))!
      const notice = duplicate ? '与已有诉求重复，已合并到该诉求' : `已受理，编号 ${c.number}`
      return [{ service_request_id: c.number, service_notice: notice, account_id: null }]
    }, { status: 201, schema: CreatedRequest })
    sendOpen311(ctx, 201, answer, { list: ['service_requests', 'request'] })
  })
}
