import Taro from '@tarojs/taro'
import { PlatformCancelledError, pagePathOf, type PlatformAdapter } from './types'

function errMsgOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : ''
}

export const weapp: PlatformAdapter = {
  name: 'weapp',
  loginMethods: ['wechat'],

  async loginCode() {
    try {
      const { code } = await Taro.login()
      if (!code) throw new Error('empty code')
      return code
    } catch {
      throw new Error('微信登录失败，请稍后重试')
    }
  },

  canScan: true,

  async scanCode() {
    try {
      const { result } = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] })
      return result
    } catch (err) {
      if (errMsgOf(err).includes('cancel')) throw new PlatformCancelledError()
      throw new Error('扫码失败，请重试或手动输入')
    }
  },

  async getLocation() {
    try {
      const r = await Taro.getLocation({ type: 'gcj02', isHighAccuracy: true })
      return { lat: r.latitude, lng: r.longitude, accuracy: r.accuracy ?? null, t: Date.now() }
    } catch (err) {
      if (errMsgOf(err).includes('auth')) throw new Error('请在设置中允许使用位置信息后重试')
      throw new Error('无法获取位置，请稍后重试')
    }
  },

  // Foreground updates only: background tracking needs a separately reviewed permission.
  watchLocation(onFix) {
    const listener = (r: { latitude: number; longitude: number; accuracy?: number }) =>
      onFix({ lat: r.latitude, lng: r.longitude, accuracy: r.accuracy ?? null, t: Date.now() })
    Taro.startLocationUpdate({ type: 'gcj02' } as never)
    Taro.onLocationChange(listener)
    return () => {
      Taro.offLocationChange(listener)
      Taro.stopLocationUpdate({})
    }
  },

  onPrivacyAuthorizationNeeded(handler) {
    // Older base libraries lack the API; they also do not enforce the privacy prompt.
    if (typeof Taro.onNeedPrivacyAuthorization !== 'function') return
    Taro.onNeedPrivacyAuthorization((resolve) => handler(resolve))
  },

  openPrivacyContract() {
    if (typeof Taro.openPrivacyContract === 'function') Taro.openPrivacyContract()
  },

  hasPage(url) {
    // __wxConfig is the app.json the WeChat runtime loaded (a bare global: older base libraries lack
    // globalThis); sub-package pages are listed under their root.
    const config: WxAppConfig | undefined = typeof __wxConfig === 'undefined' ? undefined : __wxConfig
    if (!config) return false
    const path = pagePathOf(url)
    if (config.pages?.includes(path)) return true
    return (config.subPackages ?? config.subpackages ?? []).some((sub) =>
      (sub.pages ?? []).some((page) => `${sub.root.replace(/\/+$/, '')}/${page}` === path),
    )
  },

  async choosePhotos(count) {
    try {
      const r = await Taro.chooseMedia({ count, mediaType: ['image'], sourceType: ['camera', 'album'], sizeType: ['compressed'] })
      return r.tempFiles.map((f) => f.tempFilePath)
    } catch (err) {
      if (String((err as { errMsg?: string }).errMsg ?? '').includes('cancel')) throw new PlatformCancelledError()
      throw err
    }
  },

  confirmBeforeLeaving(message) {
    // WeChat asks on the back button and the back gesture of this page.
    Taro.enableAlertBeforeUnload({ message })
    return () => void Taro.disableAlertBeforeUnload()
  },

  async uploadFile(url, filePath, header) {
    const r = await Taro.uploadFile({ url, filePath, name: 'file', header })
    return { status: r.statusCode, body: r.data }
  },
}

declare const __wxConfig: WxAppConfig | undefined

interface WxAppConfig {
  pages?: string[]
  subPackages?: { root: string; pages?: string[] }[]
  subpackages?: { root: string; pages?: string[] }[]
}
