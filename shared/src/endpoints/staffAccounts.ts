import { endpoint } from '../endpoint'
import {
  StaffAccountIdParam, StaffAccountInput, StaffAccountList, StaffAccountQuery, StaffAccountUpdate, StaffAccountView, StaffPasswordReset,
} from '../schemas/staffAccounts'
import { AdminCategoryList, AdminGridAreaList, AdminGridPlatformList, AdminRegionQuery, Open311KeyIdParam, Open311KeyList } from '../schemas/consoleAdmin'

/** Staff accounts within one's area: administrators manage any, a centre the staff and grid workers under it. */
export const staffAccountEndpoints = {
  staffAccounts: endpoint({
    method: 'GET', path: '/api/admin/staff-accounts', tag: 'staff-accounts', auth: true,
    summary: '辖区内的工作人员账号（网格员、社区工作人员、综治中心、管理员）', query: StaffAccountQuery, response: StaffAccountList,
  }),
  createStaffAccount: endpoint({
    method: 'POST', path: '/api/admin/staff-accounts', tag: 'staff-accounts', auth: true, status: 201,
    summary: '新建工作人员账号', body: StaffAccountInput, response: StaffAccountView,
  }),
  updateStaffAccount: endpoint({
    method: 'PUT', path: '/api/admin/staff-accounts/:id', tag: 'staff-accounts', auth: true,
    summary: '修改姓名、角色、所属区域，或停用 / 启用账号（停用立即使其登录失效）', params: StaffAccountIdParam, body: StaffAccountUpdate,
    response: StaffAccountView,
  }),
  resetStaffPassword: endpoint({
    method: 'POST', path: '/api/admin/staff-accounts/:id/reset-password', tag: 'staff-accounts', auth: true,
    summary: '重置密码（同时解锁，原有登录全部失效）', params: StaffAccountIdParam, body: StaffPasswordReset, response: StaffAccountView,
  }),
  unlockStaffAccount: endpoint({
    method: 'POST', path: '/api/admin/staff-accounts/:id/unlock', tag: 'staff-accounts', auth: true,
    summary: '解锁因多次密码错误被锁定的账号', params: StaffAccountIdParam, response: StaffAccountView,
  }),
  revokeStaffSessions: endpoint({
    method: 'POST', path: '/api/admin/staff-accounts/:id/revoke-sessions', tag: 'staff-accounts', auth: true,
    summary: '注销账号的所有会话（例如手机丢失），其余不变', params: StaffAccountIdParam, response: StaffAccountView,
  }),
} as const

/** What the console's admin pages read that had no list before; changes go through the existing admin APIs. */
export const consoleAdminEndpoints = {
  adminCategories: endpoint({
    method: 'GET', path: '/api/admin/categories', tag: 'console-admin', auth: true,
    summary: '全部案件类别（含已停用），供管理员维护', response: AdminCategoryList,
  }),
  adminGridAreas: endpoint({
    method: 'GET', path: '/api/admin/grid-areas', tag: 'console-admin', auth: true,
    summary: '辖区内各网格及其范围（GCJ-02 多边形）', query: AdminRegionQuery, response: AdminGridAreaList,
  }),
  adminGridPlatforms: endpoint({
    method: 'GET', path: '/api/admin/grid-platforms', tag: 'console-admin', auth: true,
    summary: '辖区内配置的外部网格平台，附待投递和死信数量', response: AdminGridPlatformList,
  }),
  open311Keys: endpoint({
    method: 'GET', path: '/api/admin/open311-keys', tag: 'console-admin', auth: true,
    summary: '已签发的 Open311 api_key（只显示名称和状态）', response: Open311KeyList,
  }),
  revokeOpen311Key: endpoint({
    method: 'POST', path: '/api/admin/open311-keys/:id/revoke', tag: 'console-admin', auth: true,
    summary: '吊销一个 Open311 api_key：此后用它的请求被拒绝', params: Open311KeyIdParam, response: Open311KeyList,
  }),
} as const
