import { endpoint } from '../endpoint'
import { AuthSession, DevLoginInput, RefreshInput, StaffLoginInput, WechatLoginInput } from '../schemas/auth'

export const authEndpoints = {
  wechatLogin: endpoint({
    method: 'POST', path: '/api/auth/wechat', tag: 'auth', auth: false,
    summary: '微信登录：用 wx.login 的 code 换取会话', body: WechatLoginInput, response: AuthSession,
  }),
  staffLogin: endpoint({
    method: 'POST', path: '/api/auth/staff', tag: 'auth', auth: false,
    summary: '工作人员账号密码登录', body: StaffLoginInput, response: AuthSession,
  }),
  devLogin: endpoint({
    method: 'POST', path: '/api/auth/dev', tag: 'auth', auth: false,
    summary: '开发登录（仅开发环境显式开启时可用）', body: DevLoginInput, response: AuthSession,
  }),
  refresh: endpoint({
    method: 'POST', path: '/api/auth/refresh', tag: 'auth', auth: false,
    summary: '用刷新凭证换取新会话', body: RefreshInput, response: AuthSession,
  }),
} as const
