import { koaBody } from 'koa-body'
import type { AppContext, AppMiddleware } from '../../context'
import { AppError } from '../../errors'
import type { Actor } from '../../policies'
import { hashApiKey, open311KeysRepo } from '../../repositories/open311Keys'
import { usersRepo } from '../../repositories/users'
import { listToXml, objectToXml, splitFormat, type Open311Format } from './format'

export const OPEN311_BASE = '/open311/v2'
const FORM_LIMIT = '64kb'

/** An error in the spec's shape: [{code, description}] / <errors><error>…</error></errors>. */
export class Open311Error extends Error {
  constructor(readonly status: number, description: string) {
    super(description)
  }
}

/** How a JSON answer is written as XML: a list under a root element, or one object. */
export type XmlShape = { list: [root: string, item: string] } | { object: string }

/** Sends `json` as JSON or, for .xml, as the spec's XML. */
export function sendOpen311(ctx: AppContext, status: number, json: unknown, xml: XmlShape) {
  ctx.status = status
  if (formatOf(ctx) === 'xml') {
    ctx.type = 'text/xml; charset=utf-8'
    ctx.body = 'list' in xml ? listToXml(xml.list[0], xml.list[1], json as object[]) : objectToXml(xml.object, json as object)
  } else {
    ctx.type = 'application/json; charset=utf-8'
    ctx.body = JSON.stringify(json)
  }
}

/** The format the last path segment asks for ("requests.xml"); JSON when it names none. */
export function formatOf(ctx: AppContext): Open311Format {
  return splitFormat(ctx.path.slice(ctx.path.lastIndexOf('/') + 1))?.format ?? 'json'
}

const isRequestIntake = (ctx: AppContext) =>
  ctx.method === 'POST' && /^\/open311\/v2\/requests\.(json|xml)$/i.test(ctx.path)

/** The form of a POST, at most 64 KB; the general body parser reads only JSON. */
async function readForm(ctx: AppContext) {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new Open311Error(415, 'requests are posted as application/x-www-form-urlencoded')
  }
  const parse = koaBody({
    urlencoded: true, json: false, text: false, multipart: false, formLimit: FORM_LIMIT,
    onError: (err) => {
      throw (err as { status?: number }).status === 413
        ? new Open311Error(413, `request body larger than ${FORM_LIMIT}`)
        : new Open311Error(400, 'request body is not a valid form')
    },
  })
  await parse(ctx as never, async () => undefined)
  return (ctx.request.body ?? {}) as Record<string, unknown>
}

/** The account an API key files as: an issued key's own, or one per key listed in OPEN311_API_KEYS. */
async function reporterForKey(ctx: AppContext, key: unknown): Promise<Actor> {
  if (typeof key !== 'string' || !key) throw new Open311Error(400, 'api_key is required')
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
  const user = userId ? await usersRepo.findById(db, userId) : undefined
  if (!user || user.disabled) throw new Open311Error(403, 'api_key is not valid')
  return { id: user.id, role: user.role, displayName: user.display_name, region: null }
}

function asOpen311Error(err: unknown): Open311Error | undefined {
  if (err instanceof Open311Error) return err
  if (err instanceof AppError) return new Open311Error(err.status, `${err.message} (${err.code})`)
  const status = (err as { status?: unknown }).status
  if (typeof status === 'number' && status >= 400 && status < 500) return new Open311Error(status, 'request not accepted')
  return undefined
}

/**
 * Everything under /open311/v2 passes here before idempotency and the routes: the jurisdiction is checked, a
 * new request's form is read (64 KB at most) and its api_key resolved to the account it files as, so an
 * Idempotency-Key is scoped to that key and hashed with the form. Answers a replay and every error in the
 * spec's format (JSON or XML), never ours.
 */
export function open311Gateway(): AppMiddleware {
  return async function open311Gateway(ctx, next) {
    if (!ctx.path.startsWith(`${OPEN311_BASE}/`)) return next()
    try {
      const form = isRequestIntake(ctx) ? await readForm(ctx) : undefined
      const jurisdiction = ctx.query.jurisdiction_id ?? form?.jurisdiction_id
      if (jurisdiction !== undefined && jurisdiction !== ctx.services.config.open311.jurisdiction) {
        throw new Open311Error(404, 'jurisdiction_id not found')
      }
      if (form) ctx.state.actor = await reporterForKey(ctx, form.api_key)
      await next()
      // A replayed answer comes back as stored (JSON); write it as the first one was.
      if (isRequestIntake(ctx) && ctx.body !== null && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body)) {
        sendOpen311(ctx, ctx.status, ctx.body, { list: ['service_requests', 'request'] })
      }
    } catch (err) {
      const known = asOpen311Error(err)
      if (!known) ctx.state.log?.error({ err }, 'open311 failure')
      const error = known ?? new Open311Error(500, 'internal error')
      ctx.remove('Idempotent-Replayed')
      sendOpen311(ctx, error.status, [{ code: error.status, description: error.message }], { list: ['errors', 'error'] })
    }
  }
}
