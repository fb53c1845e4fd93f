import { endpoint } from '../endpoint'
import {
  GridAreaInput, GridAreaView, GridCallbackInput, GridCallbackParams, GridRegionParam, GridCallbackResult, GridPlatformInput, GridPlatformView, OutboxIdParam,
  Open311KeyInput, Open311KeyIssued, OutboxMessageList, OutboxMessageView,
} from '../schemas/gridPlatforms'

export const gridPlatformsEndpoints = {
  createGridPlatform: endpoint({
    method: 'POST', path: '/api/admin/grid-platforms', tag: 'grid-platforms', auth: true, status: 201,
    summary: '为区域配置外部网格平台（案件事件将转发过去）', body: GridPlatformInput, response: GridPlatformView,
  }),
  deadLetters: endpoint({
    method: 'GET', path: '/api/admin/outbox/dead', tag: 'grid-platforms', auth: true,
    summary: '投递失败的消息（死信）', response: OutboxMessageList,
  }),
  replayDeadLetter: endpoint({
    method: 'POST', path: '/api/admin/outbox/:id/replay', tag: 'grid-platforms', auth: true,
    summary: '重新投递一条死信', params: OutboxIdParam, response: OutboxMessageView,
  }),
  gridCallback: endpoint({
    method: 'POST', path: '/api/integrations/grid/:platformId/callback', tag: 'grid-platforms', auth: false,
    summary: '外部网格平台回调（X-Anju-Signature 签名）：受理、派单、办结', params: GridCallbackParams,
    body: GridCallbackInput, response: GridCallbackResult,
  }),
  setGridArea: endpoint({
    method: 'PUT', path: '/api/admin/grids/:regionId/area', tag: 'grid-platforms', auth: true,
    summary: '设置网格的范围（GCJ-02 多边形）：此后的上报按它落格', params: GridRegionParam, body: GridAreaInput, response: GridAreaView,
  }),
  issueOpen311Key: endpoint({
    method: 'POST', path: '/api/admin/open311-keys', tag: 'grid-platforms', auth: true, status: 201,
    summary: '签发 Open311 api_key（只显示一次）', body: Open311KeyInput, response: Open311KeyIssued,
  }),
} as const
