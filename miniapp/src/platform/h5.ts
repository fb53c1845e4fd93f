import Taro from '@tarojs/taro'
import { wgs84ToGcj02 } from '@anju/shared'
import { ACCOUNT_PAGES } from '../utils/routes'
import { PlatformUnavailableError, pagePathOf, type LocationFix, type PlatformAdapter } from './types'

const watched: { count: number; last: LocationFix | null } = { count: 0, last: null }

/** The browser build: used for end-to-end tests and as a web version; no WeChat login, no scanner. */
export const h5: PlatformAdapter = {
  name: 'h5',
  loginMethods: ['dev'],

  async loginCode() {
    throw new PlatformUnavailableError('网页版不支持微信登录，请使用开发登录或工作人员登录')
  },

  canScan: false,

  async scanCode() {
    throw new PlatformUnavailableError('网页版不支持扫码，请手动输入编号')
  },

  // The browser's own position (the tests set it in Chromium). A browser reports WGS-84; fixOf turns it into
  // GCJ-02, the datum WeChat reports and the server stores, so pages never convert.
  // While a watch runs, its latest fix is the current position: Chromium does not answer a one-off request then.
  getLocation() {
    if (watched.count > 0 && watched.last) return Promise.resolve(watched.last)
    return new Promise<LocationFix>((resolve, reject) => {
      if (!navigator.geolocation) return reject(new PlatformUnavailableError('当前浏览器不支持定位'))
      navigator.geolocation.getCurrentPosition(
        (p) => resolve(fixOf(p)),
        () => reject(new Error('无法获取位置，请允许定位后重试')),
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 },
      )
    })
  },

  // Resolves at once: a browser grants a watch with the same permission getLocation asks for (pages ask for a
  // position first), and a watch may not answer before the position changes (Chromium does not).
  async watchLocation(onFix) {
    if (!navigator.geolocation) throw new PlatformUnavailableError('当前浏览器不支持定位，无法记录巡逻轨迹')
    watched.count++
    const id = navigator.geolocation.watchPosition(
      (p) => {
        watched.last = fixOf(p)
        onFix(watched.last)
      },
      () => undefined,
      { enableHighAccuracy: true },
    )
    return () => {
      navigator.geolocation.clearWatch(id)
      if (--watched.count === 0) watched.last = null
    }
  },

  onPrivacyAuthorizationNeeded() {},

  // The browser has no WeChat privacy contract: our own 隐私政策 page stands in for it.
  openPrivacyContract() {
    void Taro.navigateTo({ url: ACCOUNT_PAGES.privacy })
  },

  hasPage(url) {
    // Taro's h5 entry publishes the app config, with sub-package pages already flattened into `pages`.
    const config = (window as unknown as { __taroAppConfig?: { pages?: string[] } }).__taroAppConfig
    return Boolean(config?.pages?.includes(pagePathOf(url)))
  },

  // The browser has no subscribe messages: nothing is granted, and the in-app inbox is the channel.
  async requestSubscribe() {
    return {}
  },

  // A file input; the paths are blob: URLs of the chosen files.
  async choosePhotos(count) {
    const r = await Taro.chooseImage({ count, sizeType: ['compressed'], sourceType: ['album', 'camera'] })
    return r.tempFilePaths
  },

  confirmBeforeLeaving() {
    // Browsers show their own wording; what matters is that a reload or a closed tab asks first.
    const ask = (e: BeforeUnloadEvent) => {
      e.preventDefault()
      e.returnValue = ''
    }
    window.addEventListener('beforeunload', ask)
    return () => window.removeEventListener('beforeunload', ask)
  },

  async uploadFile(url, filePath, header) {
    const blob = await (await fetch(filePath)).blob()
    const form = new FormData()
    form.append('file', blob, 'photo')
    const res = await fetch(url, { method: 'POST', body: form, headers: header })
    return { status: res.status, body: await res.text() }
  },

  async saveTextFile(fileName, text) {
    const href = URL.createObjectURL(new Blob([text], { type: 'application/json;charset=utf-8' }))
    const link = document.createElement('a')
    link.href = href
    link.download = fileName
    document.body.appendChild(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(href), 60_000)
  },
}

/**
 * A browser fix (WGS-84) as the GCJ-02 fix every adapter answers. Stamped with the app's clock when it arrives,
 * as the weapp adapter does, so fix times and the app's own timers (the elapsed time, what the patrol still
 * lacks) read one clock.
 */
function fixOf(p: GeolocationPosition): LocationFix {
  const [lat, lng] = wgs84ToGcj02(p.coords.latitude, p.coords.longitude)
  return { lat, lng, accuracy: p.coords.accuracy ?? null, t: Date.now() }
}
