import path from 'node:path'
import etag from '@koa/etag'
import conditional from 'koa-conditional-get'
import serve from 'koa-static'
import type { AppMiddleware } from '../context'

/** Folders of the h5 build whose file names carry a hash of their content (config/index.ts, h5.output). */
const HASHED_FOLDERS = ['js', 'css', 'static']
const A_YEAR_SECONDS = 365 * 24 * 60 * 60

/** A hashed file never changes under its name: keep it a year without asking. Everything else: ask each time. */
export function cacheControlFor(relativePath: string): string {
  const folder = relativePath.split(/[\\/]/)[0]!
  return HASHED_FOLDERS.includes(folder) ? `public, max-age=${A_YEAR_SECONDS}, immutable` : 'no-cache'
}

/**
 * Serves the h5 build from `root`:
 * - the brotli or gzip file that `npm run build:h5` wrote beside each asset (scripts/precompress.mjs), when the
 *   browser accepts it (koa-static's own negotiation), with `Vary: Accept-Encoding`;
 * - content-hashed assets as immutable for a year, and index.html (which names them) as `no-cache`;
 * - an ETag (from the served file's size and time) and Last-Modified, so a revalidation is a bodiless 304.
 */
export function h5Static(root: string): AppMiddleware {
  const files = serve(root, {
    index: 'index.html',
    brotli: true,
    gzip: true,
    setHeaders(res, servedPath) {
      const relative = path.relative(root, servedPath)
      res.setHeader('Cache-Control', cacheControlFor(relative))
      res.setHeader('Vary', 'Accept-Encoding')
    },
  })
  const revalidate = conditional()
  const tag = etag()
  return async function h5Static(ctx, next) {
    // Outermost first: the 304 check needs the ETag, which needs the file chosen.
    await revalidate(ctx as never, () => tag(ctx as never, () => files(ctx as never, next)))
  }
}
