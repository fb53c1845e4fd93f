import { endpoint } from '../endpoint'
import { UserView } from '../schemas/users'

export const usersEndpoints = {
  me: endpoint({
    method: 'GET', path: '/api/me', tag: 'users', auth: true,
    summary: '当前登录用户', response: UserView,
  }),
} as const
