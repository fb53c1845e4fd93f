import { endpoint } from '../endpoint'
import { HealthView, ReadyView } from '../schemas/health'

export const systemEndpoints = {
  healthz: endpoint({
    method: 'GET', path: '/healthz', tag: 'system', auth: false,
    summary: '进程存活检查', response: HealthView,
  }),
  readyz: endpoint({
    method: 'GET', path: '/readyz', tag: 'system', auth: false,
    summary: '就绪检查（数据库可达）', response: ReadyView,
  }),
} as const
