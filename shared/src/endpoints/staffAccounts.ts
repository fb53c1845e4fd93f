import { endpoint } from '../endpoint'
import {
  StaffAccountIdParam, StaffAccountInput, StaffAccountList, StaffAccountQuery, StaffAccountUpdate, StaffAccountView, StaffPasswordReset,
} from '../schemas/staffAccounts'

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
    summary: '重置密码（原有登录立即失效）', params: StaffAccountIdParam, body: StaffPasswordReset, response: StaffAccountView,
  }),
} as const
