import { endpoint } from '../endpoint'
import { IdParam, RegionList, RegionView } from '../schemas/regions'

export const regionsEndpoints = {
  regions: endpoint({
    method: 'GET', path: '/api/regions', tag: 'regions', auth: true,
    summary: '可见的区域（工作人员为其辖区子树）', response: RegionList,
  }),
  region: endpoint({
    method: 'GET', path: '/api/regions/:id', tag: 'regions', auth: true,
    summary: '区域详情（辖区外返回 404）', params: IdParam, response: RegionView,
  }),
} as const
