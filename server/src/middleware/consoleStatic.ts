import path from 'node:path'
import serve from 'koa-static'
import type { AppMiddleware } from '../context'

const PREFIX = '/console'
const A_YEAR_SECONDS = 365 * 24 * 60 * 60

/**
 * The governance console's single-page build at /console/: its files by path (Vite's content-hashed `assets/`
 * kept a year, index.html asked for each time), and index.html for every other path under it, where the
 * console routes in the browser.
 */
export function consoleStatic(root: string): AppMiddleware {
  const files = serve(root, {
    index: 'index.html',
    setHeaders(res, servedPath) {
      const hashed = path.relative(root, servedPath).split(/[\\/]/)[0] === 'assets'
      res.setHeader('Cache-Control', hashed ? `public, max-age=${A_YEAR_SECONDS}, immutable` : 'no-cache')
    },
  })
  return async function consoleStatic(ctx, next) {
    if (ctx.path === PREFIX) return ctx.redirect(`${PREFIX}/`)
    if (!ctx.path.startsWith(`${PREFIX}/`)) return next()
    const original = ctx.path
    const rest = original.slice(PREFIX.length)
    ctx.path = /\.[a-z0-9]+$/i.test(rest) ? rest : '/'
    try {
      await files(ctx as never, async () => undefined)
    } finally {
      ctx.path = original
    }
  }
}
