import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Config } from '../config'

/** The link of one upload for one viewer, as presenters put it in an answer. */
export type PhotoUrlFor = (uploadId: string) => string

export type LinkCheck = 'valid' | 'expired' | 'forged'

/**
 * Links to photos for <image> tags, which cannot send our token: each link names the upload, the viewer it was
 * issued to and when it stops working, signed with UPLOAD_URL_SECRET (HMAC-SHA256). Presenters issue them only
 * in answers the viewer was entitled to; the file route checks the signature and the expiry, nothing else.
 *
 * Expiry times are rounded up to the next five minutes, so the same viewer asking again soon gets the same URL
 * and the mini program's image cache keeps working; a link lives between the TTL and the TTL plus five minutes.
 */
export interface PhotoLinks {
  forViewer(viewerId: number, now?: Date): PhotoUrlFor
  check(uploadId: string, query: Record<string, unknown>, now?: Date): LinkCheck
}

const ROUND_SECONDS = 5 * 60
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/
const INTEGER = /^\d{1,12}$/

/** Reads the base URL and the key from `config` on every call, so a test server can set its own port after start. */
export function createPhotoLinks(config: Pick<Config, 'publicBaseUrl' | 'uploadLinks'>): PhotoLinks {
  const sign = (uploadId: string, viewer: number, expires: number) =>
    createHmac('sha256', config.uploadLinks.secret).update(`${uploadId}.${viewer}.${expires}`).digest('base64url')

  return {
    forViewer(viewerId, now = new Date()) {
      const seconds = Math.floor(now.getTime() / 1000) + config.uploadLinks.ttlSeconds
      const expires = Math.ceil(seconds / ROUND_SECONDS) * ROUND_SECONDS
      return (uploadId) =>
        `${config.publicBaseUrl}/api/files/${uploadId}?v=${viewerId}&e=${expires}&s=${sign(uploadId, viewerId, expires)}`
    },
    check(uploadId, query, now = new Date()) {
      const { v, e, s } = query
      if (typeof v !== 'string' || typeof e !== 'string' || typeof s !== 'string') return 'forged'
      if (!INTEGER.test(v) || !INTEGER.test(e) || !SIGNATURE.test(s)) return 'forged'
      const expected = Buffer.from(sign(uploadId, Number(v), Number(e)))
      if (!timingSafeEqual(expected, Buffer.from(s))) return 'forged'
      return Number(e) * 1000 <= now.getTime() ? 'expired' : 'valid'
    },
  }
}
