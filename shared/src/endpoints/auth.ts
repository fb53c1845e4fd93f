import { endpoint } from '../endpoint'
import {
  AccountIdParam, AccountList, AccountView, AuthSession, ChangePasswordInput, DevLoginInput, LogoutInput, LogoutResult,
  RefreshInput, ResetPasswordInput, StaffLoginInput, WechatLoginInput,
} from '../schemas/auth'

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
    summary: '用刷新凭证换取新会话（刷新凭证每次轮换，旧凭证再次使用将注销整个会话）', body: RefreshInput, response: AuthSession,
  }),
  logout: endpoint({
    method: 'POST', path: '/api/auth/logout', tag: 'auth', auth: false,
    summary: '退出登录：注销该刷新凭证所属的会话', body: LogoutInput, response: LogoutResult,
  }),
  changePassword: endpoint({
    method: 'POST', path: '/api/me/password', tag: 'auth', auth: true,
    summary: '修改密码（工作人员账号）：注销所有会话，返回本设备的新会话', body: ChangePasswordInput, response: AuthSession,
  }),
  adminAccounts: endpoint({
    method: 'GET', path: '/api/admin/accounts', tag: 'auth', auth: true,
    summary: '辖区内的工作人员账号（含锁定、停用状态）', response: AccountList,
  }),
  adminDisableAccount: endpoint({
    method: 'POST', path: '/api/admin/accounts/:id/disable', tag: 'auth', auth: true,
    summary: '停用账号并注销其所有会话', params: AccountIdParam, response: AccountView,
  }),
  adminEnableAccount: endpoint({
    method: 'POST', path: '/api/admin/accounts/:id/enable', tag: 'auth', auth: true,
    summary: '恢复已停用的账号', params: AccountIdParam, response: AccountView,
  }),
  adminUnlockAccount: endpoint({
    method: 'POST', path: '/api/admin/accounts/:id/unlock', tag: 'auth', auth: true,
    summary: '解锁因多次密码错误被锁定的账号', params: AccountIdParam, response: AccountView,
  }),
  adminResetPassword: endpoint({
    method: 'POST', path: '/api/admin/accounts/:id/reset-password', tag: 'auth', auth: true,
    summary: '重置密码（同时解锁并注销其所有会话）', params: AccountIdParam, body: ResetPasswordInput, response: AccountView,
  }),
  adminRevokeSessions: endpoint({
    method: 'POST', path: '/api/admin/accounts/:id/revoke-sessions', tag: 'auth', auth: true,
    summary: '注销账号的所有会话（例如手机丢失）', params: AccountIdParam, response: AccountView,
  }),
} as const
