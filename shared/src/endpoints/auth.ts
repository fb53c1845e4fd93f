import { endpoint } from '../endpoint'
import {
  AuthSession, ChangePasswordInput, DevLoginInput, LogoutInput, LogoutResult,
  RefreshInput, StaffLoginInput, WechatLoginInput,
} from '../schemas/auth'

export const authEndpoints = {
  wechatLogin: endpoint({
    method: 'POST', path: '/api/auth/wechat', tag: 'auth', auth: false,
    summary: '微信登录：用 wx.login 的 code 换取会话', body: WechatLoginInput, response: AuthSession, credentials: true,
  }),
  staffLogin: endpoint({
    method: 'POST', path: '/api/auth/staff', tag: 'auth', auth: false,
    summary: '工作人员账号密码登录', body: StaffLoginInput, response: AuthSession, credentials: true,
  }),
  devLogin: endpoint({
    method: 'POST', path: '/api/auth/dev', tag: 'auth', auth: false,
    summary: '开发登录（仅开发环境显式开启时可用）', body: DevLoginInput, response: AuthSession, credentials: true,
  }),
  refresh: endpoint({
    method: 'POST', path: '/api/auth/refresh', tag: 'auth', auth: false,
    summary: '用刷新凭证换取新会话（刷新凭证每次轮换，旧凭证再次使用将注销整个会话）', body: RefreshInput, response: AuthSession, credentials: true,
  }),
  logout: endpoint({
    method: 'POST', path: '/api/auth/logout', tag: 'auth', auth: false,
    summary: '退出登录：注销该刷新凭证所属的会话', body: LogoutInput, response: LogoutResult,
  }),
  changePassword: endpoint({
    method: 'POST', path: '/api/me/password', tag: 'auth', auth: true,
    summary: '修改密码（工作人员账号）：注销所有会话，返回本设备的新会话', body: ChangePasswordInput, response: AuthSession,
  }),
} as const
