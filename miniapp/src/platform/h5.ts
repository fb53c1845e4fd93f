import { PlatformUnavailableError, type PlatformAdapter } from './types'

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

  onPrivacyAuthorizationNeeded() {},

  openPrivacyContract() {},
}
