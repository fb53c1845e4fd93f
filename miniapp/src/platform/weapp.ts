import Taro from '@tarojs/taro'
import { PlatformCancelledError, type PlatformAdapter } from './types'

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

  onPrivacyAuthorizationNeeded(handler) {
    // Older base libraries lack the API; they also do not enforce the privacy prompt.
    if (typeof Taro.onNeedPrivacyAuthorization !== 'function') return
    Taro.onNeedPrivacyAuthorization((resolve) => handler(resolve))
  },

  openPrivacyContract() {
    if (typeof Taro.openPrivacyContract === 'function') Taro.openPrivacyContract()
  },
}
