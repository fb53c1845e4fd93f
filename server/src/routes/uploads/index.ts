import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import { api, UploadIdParam } from '@anju/shared'
import { koaBody } from 'koa-body'
import type { AppContext } from '../../context'
import { errors } from '../../errors'
import { EXTENSIONS, reencodeWithoutMetadata, sniffImageType } from '../../lib/images'
import { requireActor } from '../../middleware/authenticate'
import { can } from '../../policies'
import { caseResource } from '../../commands/transitionCase'
import { presentUpload } from '../../presenters/cases'
import { casesRepo } from '../../repositories/cases'
import { uploadsRepo } from '../../repositories/uploads'
import { route, type AppRouter } from '../define'

/** Reads the one file of a multipart upload, within the size limit; its temporary copy is removed. */
async function readUploadedFile(ctx: AppContext, maxBytes: number): Promise<Buffer> {
  const parse = koaBody({
    multipart: true, json: false, urlencoded: false, text: false,
    formidable: { maxFileSize: maxBytes, maxFiles: 1, maxFields: 10, allowEmptyFiles: false },
    onError: (err) => {
      const e = err as { httpCode?: number; code?: number }
      throw e.httpCode === 413 ? errors.payloadTooLarge() : errors.imageInvalid()
    },
  })
  await parse(ctx as never, async () => undefined)
  const entry = ctx.request.files?.file
  const file = Array.isArray(entry) ? entry[0] : entry
  if (!file) throw errors.imageInvalid()
  try {
    return await fs.readFile(file.filepath)
  } finally {
    await fs.rm(file.filepath, { force: true })
  }
}

const keyFor = (kind: 'public' | 'original', id: string, ext: string) => `${kind}/${id.slice(0, 2)}/${id}.${ext}`

/**
 * Photos. The copy everyone sees is re-encoded without EXIF (no GPS, no camera serial); the original, with
 * its metadata, is kept for the centre only.
 */
export function uploadRoutes(router: AppRouter) {
  route(router, api.upload, async (ctx, { actor, transact }) => {
    const { config, files, limits } = ctx.services
    // Counted before the file is read, so a flood is turned away before it costs disk or CPU.
    await limits.uploads.admit(actor.id)
    const original = await readUploadedFile(ctx, config.gridLoop.uploadMaxBytes)
    await limits.uploads.charge(actor.id, original.length)
    const type = sniffImageType(original)
    if (!type) throw errors.imageInvalid()
    const clean = await reencodeWithoutMetadata(original, type).catch(() => {
      throw errors.imageInvalid()
    })
    const id = randomBytes(16).toString('hex')
    const row = {
      id, owner_id: actor.id, content_type: type, size: clean.bytes.length, width: clean.width, height: clean.height,
      public_key: keyFor('public', id, EXTENSIONS[type]), original_key: keyFor('original', id, EXTENSIONS[type]),
    }
    await files.put(row.original_key, original)
    await files.put(row.public_key, clean.bytes)
    return transact(async (trx) => {
      await uploadsRepo.insert(trx, { ...row, created_at: new Date() })
      return presentUpload({ ...row, case_id: null, reward_id: null, original_purged_at: null }, ctx.services.photoLinks.forViewer(actor.id))
    })
  })

  // Mini program <image> tags cannot send a token, so photos are served by signed links that presenters issue
  // only to viewers entitled to them. A forged link reads as "not found"; a genuine one past its time says so.
  router.get('/api/files/:id', async function signedFile(ctx) {
    const params = UploadIdParam.safeParse(ctx.params)
    if (!params.success) throw errors.notFound()
    const now = new Date()
    const link = ctx.services.photoLinks.check(params.data.id, ctx.query, now)
    if (link === 'forged') throw errors.notFound()
    if (link === 'expired') throw errors.fileLinkExpired()
    const upload = await uploadsRepo.findById(ctx.services.db, params.data.id)
    const bytes = upload ? await ctx.services.files.get(upload.public_key) : null
    if (!upload || !bytes) throw errors.notFound()
    const secondsLeft = Math.max(0, Math.floor((Number(ctx.query.e) * 1000 - now.getTime()) / 1000))
    ctx.set('Cache-Control', `private, max-age=${secondsLeft}`)
    ctx.type = upload.content_type
    ctx.body = bytes
  })

  // The original, EXIF and all: the centre, for a case in its region, until the retention job deletes it.
  router.get('/api/files/:id/original', async function originalFile(ctx) {
    const actor = requireActor(ctx)
    const params = UploadIdParam.safeParse(ctx.params)
    if (!params.success) throw errors.notFound()
    const { db, files } = ctx.services
    const upload = await uploadsRepo.findById(db, params.data.id)
    const c = upload?.case_id ? await casesRepo.findById(db, upload.case_id) : undefined
    if (!upload || !c || actor.role !== 'centre' || !can(actor, 'case.handle', caseResource(c))) throw errors.notFound()
    if (upload.original_purged_at !== null) throw errors.notFound()
    const bytes = await files.get(upload.original_key)
    if (!bytes) throw errors.notFound()
    ctx.set('Cache-Control', 'private, no-store')
    ctx.type = upload.content_type
    ctx.body = bytes
  })
}
