import Taro from '@tarojs/taro'
import { PlatformCancelledError, pagePathOf, type PlatformAdapter, type SubscribeChoice } from './types'

function errMsgOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : ''
}

/**
 * Why a location API failed, in words that tell the user where to allow it. WeChat answers
 * "fail privacy permission is not authorized" (errno 104) when the privacy guide was refused: the next use
 * shows the privacy prompt again, no setting helps. "fail auth deny" / "fail:auth denied" means location was
 * refused for this mini program (its own settings page); "system permission denied" means the phone denies
 * WeChat itself.
 */
function locationError(err: unknown, failed: string): Error {
  const errMsg = errMsgOf(err)
  const errno = typeof err === 'object' && err !== null ? (err as { errno?: unknown }).errno : undefined
  if (errno === 104 || errMsg.includes('privacy')) {
    return new Error(`${failed}：您还没有同意《安居隐私保护指引》。请再试一次，在弹出的隐私保护提示中点「同意并继续」`)
  }
  if (/auth den(y|ied)/.test(errMsg)) {
    return new Error(`${failed}：您没有允许安居使用位置信息。请点右上角「···」→「设置」→「位置信息」，选择「仅在使用小程序期间」后重试`)
  }
  if (errMsg.includes('system permission')) {
    return new Error(`${failed}：手机没有允许微信使用定位。请在手机的「设置」中打开定位服务并允许微信使用位置后重试`)
  }
  if (errMsg.includes('requiredPrivateInfos')) {
    return new Error(`${failed}：小程序的位置接口尚未开通，请联系社区工作人员`)
  }
  return new Error(`${failed}，请稍后重试`)
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
      throw locationError(err, '无法获取位置')
    }
  },

  // Foreground updates only: background tracking needs a separately reviewed permission.
  async watchLocation(onFix) {
    const listener = (r: { latitude: number; longitude: number; accuracy?: number }) =>
      onFix({ lat: r.latitude, lng: r.longitude, accuracy: r.accuracy ?? null, t: Date.now() })
    try {
      await Taro.startLocationUpdate({ type: 'gcj02' })
    } catch (err) {
      throw locationError(err, '无法记录巡逻轨迹')
    }
    Taro.onLocationChange(listener)
    return () => {
      Taro.offLocationChange(listener)
      // Promisified by Taro (its types say void): a failure to stop has no one to tell.
      Promise.resolve(Taro.stopLocationUpdate({})).catch(() => undefined)
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

  async requestSubscribe(templateIds) {
    if (templateIds.length === 0) return {}
    try {
      const answer = (await Taro.requestSubscribeMessage({ tmplIds: templateIds } as never)) as unknown as Record<string, string>
      const choices: Record<string, SubscribeChoice> = {}
      for (const id of templateIds) {
        const choice = answer[id]
        if (choice === 'accept' || choice === 'reject' || choice === 'ban' || choice === 'filter') choices[id] = choice
      }
      return choices
    } catch {
      // Refused as a whole (the main switch is off, or not from a tap): nothing granted.
      return {}
    }
  },

  async uploadFile(url, filePath, header) {
    const r = await Taro.uploadFile({ url, filePath, name: 'file', header })
    return { status: r.statusCode, body: r.data }
  },

  async saveTextFile(fileName, text) {
    const filePath = `${Taro.env.USER_DATA_PATH}/${fileName}`
    Taro.getFileSystemManager().writeFileSync(filePath, text, 'utf8')
    try {
      await Taro.shareFileMessage({ filePath, fileName })
    } catch (err) {
      if (errMsgOf(err).includes('cancel')) throw new PlatformCancelledError()
      throw new Error('导出失败，请稍后重试')
    }
  },
}

declare const __wxConfig: WxAppConfig | undefined

interface WxAppConfig {
  pages?: string[]
  subPackages?: { root: string; pages?: string[] }[]
  subpackages?: { root: string; pages?: string[] }[]
}
