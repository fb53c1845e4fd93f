import { endpoint } from '../endpoint'
import {
  FulfilInput, RedemptionCodeParam, RedemptionIdParam, RedemptionList, RedemptionView, RewardIdParam, RewardInput,
  RewardList, RewardView,
} from '../schemas/mall'

export const mallEndpoints = {
  rewards: endpoint({
    method: 'GET', path: '/api/rewards', tag: 'mall', auth: true,
    summary: '我可兑换的礼品（本社区及全市）', response: RewardList,
  }),
  reward: endpoint({
    method: 'GET', path: '/api/rewards/:id', tag: 'mall', auth: true,
    summary: '礼品详情', params: RewardIdParam, response: RewardView,
  }),
  redeemReward: endpoint({
    method: 'POST', path: '/api/rewards/:id/redeem', tag: 'mall', auth: true, status: 201,
    summary: '兑换礼品：扣积分、锁库存、生成领取码', params: RewardIdParam, response: RedemptionView,
  }),
  myRedemptions: endpoint({
    method: 'GET', path: '/api/redemptions', tag: 'mall', auth: true,
    summary: '我的兑换', response: RedemptionList,
  }),
  redemption: endpoint({
    method: 'GET', path: '/api/redemptions/:id', tag: 'mall', auth: true,
    summary: '兑换详情（含领取二维码）', params: RedemptionIdParam, response: RedemptionView,
  }),
  cancelRedemption: endpoint({
    method: 'POST', path: '/api/redemptions/:id/cancel', tag: 'mall', auth: true,
    summary: '领取前取消兑换（退回积分和库存）', params: RedemptionIdParam, response: RedemptionView,
  }),
  staffRewards: endpoint({
    method: 'GET', path: '/api/staff/rewards', tag: 'mall', auth: true,
    summary: '辖区内的礼品（含已下架）', response: RewardList,
  }),
  createReward: endpoint({
    method: 'POST', path: '/api/staff/rewards', tag: 'mall', auth: true, status: 201,
    summary: '上架礼品', body: RewardInput, response: RewardView,
  }),
  updateReward: endpoint({
    method: 'POST', path: '/api/staff/rewards/:id', tag: 'mall', auth: true,
    summary: '修改礼品（库存按差额调整）', params: RewardIdParam, body: RewardInput, response: RewardView,
  }),
  archiveReward: endpoint({
    method: 'POST', path: '/api/staff/rewards/:id/archive', tag: 'mall', auth: true,
    summary: '下架礼品', params: RewardIdParam, response: RewardView,
  }),
  lookupRedemption: endpoint({
    method: 'GET', path: '/api/staff/redemptions/by-code/:code', tag: 'mall', auth: true,
    summary: '按领取码查询兑换（核销前确认）', params: RedemptionCodeParam, response: RedemptionView,
  }),
  fulfilRedemption: endpoint({
    method: 'POST', path: '/api/staff/redemptions/fulfil', tag: 'mall', auth: true,
    summary: '核销领取码', body: FulfilInput, response: RedemptionView,
  }),
} as const
