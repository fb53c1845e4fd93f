import { endpoint } from '../endpoint'
import { SetCommunityInput, UserView } from '../schemas/users'

export const usersEndpoints = {
  me: endpoint({
    method: 'GET', path: '/api/me', tag: 'users', auth: true,
    summary: '当前登录用户', response: UserView,
  }),
  setMyCommunity: endpoint({
    method: 'POST', path: '/api/me/community', tag: 'users', auth: true,
    summary: '居民设置所在社区（决定可兑换的礼品范围）', body: SetCommunityInput, response: UserView,
  }),
} as const
