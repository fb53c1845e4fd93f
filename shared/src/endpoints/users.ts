import { endpoint } from '../endpoint'
import {
  ResidentIdParam, ResidentSearchQuery, ResidentSearchResult, ResidentSummary, SetCommunityInput, UserView,
} from '../schemas/users'

export const usersEndpoints = {
  me: endpoint({
    method: 'GET', path: '/api/me', tag: 'users', auth: true,
    summary: '当前登录用户', response: UserView,
  }),
  setMyCommunity: endpoint({
    method: 'POST', path: '/api/me/community', tag: 'users', auth: true,
    summary: '居民设置所在社区（决定可兑换的礼品范围）', body: SetCommunityInput, response: UserView,
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
