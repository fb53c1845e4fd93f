import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config'
import type { AppMiddleware } from '../context'

/** API answers are data: nothing in them may load, run or be framed. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'"

/**
 * Taro's h5 tab bar items are <a href="javascript:;"> with a click handler: without this hash each tap is reported
 * as a blocked inline script. 'unsafe-hashes' lets exactly that do-nothing URL through, nothing else.
 */
const TAB_BAR_LINK = `'sha256-${createHash('sha256').update('javascript:;').digest('base64')}'`

const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi

/** The hashes of the inline scripts of the built index.html (Taro puts its rem sizing there). */
async function inlineScriptHashes(staticDir: string | null): Promise<string[]> {
  if (!staticDir) return []
  const html = await fs.readFile(path.join(staticDir, 'index.html'), 'utf8').catch(() => '')
  return [...html.matchAll(INLINE_SCRIPT)]
    .filter((m) => m[1]!.trim())
    .map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`)
}

/**
 * The h5 app's policy: its own scripts (the inline one by hash), its own API, photos from the public base URL
 * (signed links), the camera roll (blob:) and QR codes (data:); styles inline, as React and Taro set them; never
 * framed, never a plugin.
 */
function appPolicy(scriptHashes: string[], publicBaseUrl: string): string {
  const publicOrigin = new URL(publicBaseUrl).origin
  const photos = ["'self'", 'data:', 'blob:', publicOrigin]
  return [
    "default-src 'self'",
    `script-src ${["'self'", ...scriptHashes, "'unsafe-hashes'", TAB_BAR_LINK].join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src ${photos.join(' ')}`,
    `connect-src ${["'self'", 'blob:', publicOrigin].join(' ')}`,
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/**
 * Headers every answer carries: no MIME sniffing, no framing, no referrer (photo links carry signatures), a
 * content security policy (the app's for HTML, a closed one for data), and no caching of anything an auth
 * endpoint answers (tokens).
 */
export function securityHeaders(config: Pick<Config, 'staticDir' | 'publicBaseUrl'>): AppMiddleware {
  let hashes: Promise<string[]> | undefined
  return async function securityHeaders(ctx, next) {
    try {
      await next()
    } finally {
      ctx.set('X-Content-Type-Options', 'nosniff')
      ctx.set('X-Frame-Options', 'DENY')
      ctx.set('Referrer-Policy', 'no-referrer')
      if (ctx.status === 304) {
        // A revalidated page keeps the policy it was stored with: browsers merge a 304's headers into the cached
        // response, and a 304 has no body to tell an app page from data by.
      } else if (ctx.response.is('html')) {
        hashes ??= inlineScriptHashes(config.staticDir)
        ctx.set('Content-Security-Policy', appPolicy(await hashes, config.publicBaseUrl))
      } else {
        ctx.set('Content-Security-Policy', API_POLICY)
      }
      if (ctx.path.startsWith('/api/auth/')) ctx.set('Cache-Control', 'no-store')
    }
  }
}
