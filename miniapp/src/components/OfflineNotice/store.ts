import Taro from '@tarojs/taro'

/*
 * h5 only. Each page of the h5 build is a chunk fetched the first time it opens, so a tap on a tab while the
 * phone is offline fails to load it: Taro's router leaves the old page on screen and the failure surfaces as
 * an unhandled rejection. This store catches that failure (through Taro.onUnhandledRejection), remembers
 * where the user was going, and opens it again on 重试 or as soon as the browser is back online. The mini
 * program has no such chunks: WeChat downloads sub-packages itself and shows its own network error.
 */

export interface FailedNavigation {
  /** The page the user was opening, e.g. '/pages/cases/index' or '/packages/mall/pages/detail/index?id=3'. */
  url: string
  /** Whether the browser reported being offline when it failed. */
  offline: boolean
}

const listeners = new Set<() => void>()
let failed: FailedNavigation | null = null

function publish(next: FailedNavigation | null) {
  failed = next
  listeners.forEach((listener) => listener())
}

export function failedNavigation(): FailedNavigation | null {
  return failed
}

export function subscribeFailedNavigation(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** webpack's failed JS chunk (ChunkLoadError) or mini-css-extract's failed CSS chunk. */
export function isChunkLoadError(reason: unknown): boolean {
  if (!reason || typeof reason !== 'object') return false
  const { name, code, message } = reason as { name?: unknown; code?: unknown; message?: unknown }
  return name === 'ChunkLoadError' || code === 'CSS_CHUNK_LOAD_FAILED' || /^Loading (CSS )?chunk \S+ failed/.test(String(message))
}

interface AppConfig {
  tabBar?: { list?: { pagePath: string }[] }
}

function isTabPage(url: string): boolean {
  const config = (window as unknown as { __taroAppConfig?: AppConfig }).__taroAppConfig
  const path = url.split('?')[0]!.replace(/^\/+/, '')
  return Boolean(config?.tabBar?.list?.some((tab) => tab.pagePath.replace(/^\/+/, '') === path))
}

/** The page the router was asked for: with the hash router, the address already names it. */
function requestedUrl(): string {
  return window.location.hash.replace(/^#/, '') || '/'
}

/** Opens the page again. If it fails again, the failure lands here again and the notice stays up. */
export function retryNavigation() {
  const target = failed
  if (!target) return
  publish(null)
  // switchTab for a tab (the other tabs stay as they were); otherwise the failed page takes the place of
  // the one still on screen, as the address bar already says.
  if (isTabPage(target.url)) void Taro.switchTab({ url: target.url })
  else void Taro.redirectTo({ url: target.url })
}

/** Gives up on the page and puts the address (and the tab bar) back to the page still on screen. */
export function abandonNavigation() {
  if (!failed) return
  publish(null)
  const pages = Taro.getCurrentPages()
  const shown = pages[pages.length - 1]?.route
  if (shown && isTabPage(shown)) void Taro.switchTab({ url: `/${shown.replace(/^\/+/, '')}` })
  else window.history.back()
}

let watching = false

/** Called once at launch, on h5. */
export function watchNavigationFailures() {
  if (process.env.TARO_ENV !== 'h5' || watching) return
  watching = true
  Taro.onUnhandledRejection((res) => {
    if (!isChunkLoadError(res.reason)) return
    // Handled here: not an uncaught error any more.
    ;(res as unknown as { preventDefault?: () => void }).preventDefault?.()
    publish({ url: requestedUrl(), offline: !navigator.onLine })
  })
  window.addEventListener('online', () => retryNavigation())
}
