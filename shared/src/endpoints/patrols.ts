import { endpoint } from '../endpoint'
import {
  CurrentPatrol, PatrolCheckInInput, PatrolCheckpointView, PatrolHazardInput, PatrolHazardResult, PatrolCheckInView, PatrolIdParam, PatrolMembershipList, PatrolMembershipQuery,
  PatrolMembershipView, PatrolPage, PatrolPageQuery, PatrolRankingQuery, PatrolRouteCoverage, PatrolRouteInput,
  PatrolRouteList, PatrolRouteView, PatrolTeamInput, PatrolTeamList, PatrolTeamRanking, PatrolTeamView, PatrolTrack,
  PatrolView, StaffPatrolQuery, StartPatrolInput, TrackBatchInput, TrackBatchResult,
} from '../schemas/patrols'

/** Volunteer patrols: teams, routes with QR checkpoints, live patrols, judgement, rankings and coverage. */
export const patrolsEndpoints = {
  patrolTeams: endpoint({
    method: 'GET', path: '/api/patrol-teams', tag: 'patrols', auth: true,
    summary: '巡逻队（工作人员为辖区内的队伍）及我的入队状态', response: PatrolTeamList,
  }),
  applyToPatrolTeam: endpoint({
    method: 'POST', path: '/api/patrol-teams/:id/apply', tag: 'patrols', auth: true, status: 201,
    summary: '申请加入巡逻队', params: PatrolIdParam, response: PatrolMembershipView,
  }),
  patrolRoutes: endpoint({
    method: 'GET', path: '/api/patrol-teams/:id/routes', tag: 'patrols', auth: true,
    summary: '队伍的巡逻路线和检查点（队员及辖区工作人员）', params: PatrolIdParam, response: PatrolRouteList,
  }),
  patrolRanking: endpoint({
    method: 'GET', path: '/api/patrol-teams/:id/ranking', tag: 'patrols', auth: true,
    summary: '队伍月度排行：有效巡逻次数、时长、检查点', params: PatrolIdParam, query: PatrolRankingQuery,
    response: PatrolTeamRanking,
  }),
  startPatrol: endpoint({
    method: 'POST', path: '/api/patrols', tag: 'patrols', auth: true, status: 201,
    summary: '开始巡逻（上报起点位置）', body: StartPatrolInput, response: PatrolView,
  }),
  currentPatrol: endpoint({
    method: 'GET', path: '/api/patrols/current', tag: 'patrols', auth: true,
    summary: '我正在进行的巡逻', response: CurrentPatrol,
  }),
  myPatrols: endpoint({
    method: 'GET', path: '/api/patrols', tag: 'patrols', auth: true,
    summary: '我的巡逻记录（倒序，游标翻页）', query: PatrolPageQuery, response: PatrolPage,
  }),
  patrol: endpoint({
    method: 'GET', path: '/api/patrols/:id', tag: 'patrols', auth: true,
    summary: '巡逻详情：检查点、签到、判定、奖励', params: PatrolIdParam, response: PatrolView,
  }),
  patrolTrack: endpoint({
    method: 'GET', path: '/api/patrols/:id/track', tag: 'patrols', auth: true,
    summary: '巡逻轨迹（GCJ-02）', params: PatrolIdParam, response: PatrolTrack,
  }),
  uploadPatrolTrack: endpoint({
    method: 'POST', path: '/api/patrols/:id/track', tag: 'patrols', auth: true,
    summary: '上传一批轨迹点（按批次号去重，可安全重发）', params: PatrolIdParam, body: TrackBatchInput,
    response: TrackBatchResult,
  }),
  checkInPatrol: endpoint({
    method: 'POST', path: '/api/patrols/:id/check-ins', tag: 'patrols', auth: true, status: 201,
    summary: '扫码签到检查点（校验签名、版本和位置）', params: PatrolIdParam, body: PatrolCheckInInput,
    response: PatrolCheckInView,
  }),
  reportPatrolHazard: endpoint({
    method: 'POST', path: '/api/patrols/:id/hazards', tag: 'patrols', auth: true, status: 201,
    summary: '巡逻中上报隐患（关联本次巡逻和检查点）', params: PatrolIdParam, body: PatrolHazardInput,
    response: PatrolHazardResult,
  }),
  finishPatrol: endpoint({
    method: 'POST', path: '/api/patrols/:id/finish', tag: 'patrols', auth: true,
    summary: '结束巡逻并判定', params: PatrolIdParam, response: PatrolView,
  }),

  createPatrolTeam: endpoint({
    method: 'POST', path: '/api/staff/patrol-teams', tag: 'patrols', auth: true, status: 201,
    summary: '新建巡逻队', body: PatrolTeamInput, response: PatrolTeamView,
  }),
  patrolMemberships: endpoint({
    method: 'GET', path: '/api/staff/patrol-teams/:id/memberships', tag: 'patrols', auth: true,
    summary: '队伍的入队申请和队员', params: PatrolIdParam, query: PatrolMembershipQuery, response: PatrolMembershipList,
  }),
  acceptPatrolMembership: endpoint({
    method: 'POST', path: '/api/staff/patrol-memberships/:id/accept', tag: 'patrols', auth: true,
    summary: '同意入队（居民成为该队志愿者）', params: PatrolIdParam, response: PatrolMembershipView,
  }),
  declinePatrolMembership: endpoint({
    method: 'POST', path: '/api/staff/patrol-memberships/:id/decline', tag: 'patrols', auth: true,
    summary: '拒绝入队申请', params: PatrolIdParam, response: PatrolMembershipView,
  }),
  createPatrolRoute: endpoint({
    method: 'POST', path: '/api/staff/patrol-teams/:id/routes', tag: 'patrols', auth: true, status: 201,
    summary: '新建巡逻路线及检查点', params: PatrolIdParam, body: PatrolRouteInput, response: PatrolRouteView,
  }),
  rotateCheckpointToken: endpoint({
    method: 'POST', path: '/api/staff/patrol-checkpoints/:id/rotate-token', tag: 'patrols', auth: true,
    summary: '更换检查点二维码（旧的打印件随即失效）', params: PatrolIdParam, response: PatrolCheckpointView,
  }),
  staffPatrols: endpoint({
    method: 'GET', path: '/api/staff/patrols', tag: 'patrols', auth: true,
    summary: '辖区内已结束的巡逻及判定、奖励状态', query: StaffPatrolQuery, response: PatrolPage,
  }),
  patrolCoverage: endpoint({
    method: 'GET', path: '/api/staff/patrol-routes/:id/coverage', tag: 'patrols', auth: true,
    summary: '路线检查点今日、本周的签到覆盖', params: PatrolIdParam, response: PatrolRouteCoverage,
  }),
} as const
