import { endpoint } from '../endpoint'
import {
  ResidentIdParam, ResidentSearchQuery, ResidentSearchResult, ResidentSummary, SetCommunityInput, UserView,
} from '../schemas/users'
import { CloseAccountInput, CloseAccountResult, ConsentList, MyDataExport, SetConsentInput } from '../schemas/privacy'

export const usersEndpoints = {
  me: endpoint({
    method: 'GET', path: '/api/me', tag: 'users', auth: true,
    summary: '当前登录用户', response: UserView,
  }),
  setMyCommunity: endpoint({
    method: 'POST', path: '/api/me/community', tag: 'users', auth: true,
    summary: '居民设置所在社区（决定可兑换的礼品范围）', body: SetCommunityInput, response: UserView,
  }),
  myData: endpoint({
    method: 'GET', path: '/api/me/data', tag: 'users', auth: true,
    summary: '我的数据：平台保存的关于我的全部信息（可导出为 JSON）', response: MyDataExport,
  }),
  closeAccount: endpoint({
    method: 'POST', path: '/api/me/close', tag: 'users', auth: true,
    summary: '注销账号：删除或匿名化个人信息，积分流水保留但不再关联到人，未办结的案件继续办理但不显示提交人，登录全部失效',
    body: CloseAccountInput, response: CloseAccountResult,
  }),
  myConsents: endpoint({
    method: 'GET', path: '/api/me/consents', tag: 'users', auth: true,
    summary: '我已同意的单项授权（如巡逻期间记录位置轨迹）', response: ConsentList,
  }),
  setConsent: endpoint({
    method: 'POST', path: '/api/me/consents', tag: 'users', auth: true,
    summary: '同意或撤回一项单独授权；答复为此后已同意的全部授权', body: SetConsentInput, response: ConsentList,
  }),
  staffResidents: endpoint({
    method: 'GET', path: '/api/staff/residents', tag: 'users', auth: true,
    summary: '查找辖区内的居民（按编号或姓名），用于提出好人好事奖励', query: ResidentSearchQuery, response: ResidentSearchResult,
  }),
  staffResident: endpoint({
    method: 'GET', path: '/api/staff/residents/:id', tag: 'users', auth: true,
    summary: '辖区内的一位居民', params: ResidentIdParam, response: ResidentSummary,
  }),
} as const
