import { endpoint } from '../endpoint'
import {
  AwardIdParam, AwardPage, AwardQuery, AwardView, BatchApproveInput, BatchApproveResult, ManualAwardInput,
  AwardPolicyView, AwardRuleInput, AwardSettingsInput, PageQuery, PointsEntryPage, PointsGuide, PointsSummary, RegionIdQuery,
  RejectAwardInput,
} from '../schemas/points'

export const pointsEndpoints = {
  pointsSummary: endpoint({
    method: 'GET', path: '/api/points/summary', tag: 'points', auth: true,
    summary: '我的积分：余额、待审核、累计获得', response: PointsSummary,
  }),
  pointsEntries: endpoint({
    method: 'GET', path: '/api/points/entries', tag: 'points', auth: true,
    summary: '我的积分明细（按时间倒序，游标翻页）', query: PageQuery, response: PointsEntryPage,
  }),
  pointsGuide: endpoint({
    method: 'GET', path: '/api/points/guide', tag: 'points', auth: true,
    summary: '积分攻略：所在社区各类上报、巡逻可得积分，以及每日/每月上限和已用额度', response: PointsGuide,
  }),
  staffAwards: endpoint({
    method: 'GET', path: '/api/staff/awards', tag: 'awards', auth: true,
    summary: '辖区内的积分奖励（默认待审核）', query: AwardQuery, response: AwardPage,
  }),
  approveAward: endpoint({
    method: 'POST', path: '/api/staff/awards/:id/approve', tag: 'awards', auth: true,
    summary: '通过一项积分奖励（发放积分）', params: AwardIdParam, response: AwardView,
  }),
  rejectAward: endpoint({
    method: 'POST', path: '/api/staff/awards/:id/reject', tag: 'awards', auth: true,
    summary: '驳回一项积分奖励', params: AwardIdParam, body: RejectAwardInput, response: AwardView,
  }),
  batchApproveAwards: endpoint({
    method: 'POST', path: '/api/staff/awards/batch-approve', tag: 'awards', auth: true,
    summary: '批量通过积分奖励（逐项返回结果）', body: BatchApproveInput, response: BatchApproveResult,
  }),
  proposeManualAward: endpoint({
    method: 'POST', path: '/api/staff/awards/manual', tag: 'awards', auth: true, status: 201,
    summary: '提出好人好事奖励（须另一名工作人员审核）', body: ManualAwardInput, response: AwardView,
  }),
  awardPolicy: endpoint({
    method: 'GET', path: '/api/admin/award-policy', tag: 'awards', auth: true,
    summary: '某区域生效的积分规则、上限与预算', query: RegionIdQuery, response: AwardPolicyView,
  }),
  setAwardRule: endpoint({
    method: 'POST', path: '/api/admin/award-rules', tag: 'awards', auth: true,
    summary: '设置区域的积分规则（管理员）', body: AwardRuleInput, response: AwardPolicyView,
  }),
  setAwardSettings: endpoint({
    method: 'POST', path: '/api/admin/award-settings', tag: 'awards', auth: true,
    summary: '设置区域的每日/每月上限与月度预算（管理员）', body: AwardSettingsInput, response: AwardPolicyView,
  }),
} as const
