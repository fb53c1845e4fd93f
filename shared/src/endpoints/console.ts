import { endpoint } from '../endpoint'
import { CasePage, CaseView } from '../schemas/cases'
import { BoardCounts, BoardQuery, ConsoleCaseQuery, ConsolePeriodQuery, Heatmap, Overview, RankingQuery, Rankings } from '../schemas/console'
import {
  PublicSafetyIndex, PublicSafetyIndexQuery, SafetyIndexInputsBody, SafetyIndexMonthQuery, SafetyIndexPreview, SafetyIndexPublication,
  SafetyIndexPublishBody, SafetyIndicatorList, SafetyIndicatorsInput,
} from '../schemas/safetyIndex'
import { z } from '../zod'

/** The governance console (综治中心 and administrators): figures, the 红黄绿 board and the heat map of a region. */
export const consoleEndpoints = {
  consoleOverview: endpoint({
    method: 'GET', path: '/api/console/overview', tag: 'console', auth: true,
    summary: '区域概览：案件、办结率、按时率、满意率、如实结果，按下级区域、网格、网格员；积分与巡逻', query: ConsolePeriodQuery,
    response: Overview,
  }),
  consoleCases: endpoint({
    method: 'GET', path: '/api/console/cases', tag: 'console', auth: true,
    summary: '数字背后的案件清单（按提交时间倒序）', query: ConsoleCaseQuery, response: CasePage,
  }),
  consoleBoard: endpoint({
    method: 'GET', path: '/api/console/board', tag: 'console', auth: true,
    summary: '红黄绿看板：未办结案件按颜色与到期情况统计，按时限先后排列', query: BoardQuery,
    response: z.object({ counts: BoardCounts, items: z.array(CaseView), next: z.string().nullable() }).meta({ id: 'Board' }),
  }),
  consoleHeatmap: endpoint({
    method: 'GET', path: '/api/console/heatmap', tag: 'console', auth: true,
    summary: '热力图：各网格每周的案件数与超期数，附网格范围', query: ConsolePeriodQuery, response: Heatmap,
  }),
  consoleRankings: endpoint({
    method: 'GET', path: '/api/console/rankings', tag: 'console', auth: true,
    summary: '排行榜：社区或网格的办结率、按时办结率、满意率和平安指数，本月与上月', query: RankingQuery, response: Rankings,
  }),
} as const



/** 平安指数: indicators, a region's month in the console, publishing it, and what residents read. */
export const safetyIndexEndpoints = {
  safetyIndicators: endpoint({
    method: 'GET', path: '/api/console/safety-index/indicators', tag: 'safety-index', auth: true,
    summary: '平安指数的指标配置（一级、二级指标，权重、方向、来源、满分值与零分值）', response: SafetyIndicatorList,
  }),
  setSafetyIndicators: endpoint({
    method: 'PUT', path: '/api/admin/safety-index/indicators', tag: 'safety-index', auth: true,
    summary: '整体替换指标配置（管理员）；已发布的月份按发布时的配置保存，不受影响', body: SafetyIndicatorsInput, response: SafetyIndicatorList,
  }),
  safetyIndexPreview: endpoint({
    method: 'GET', path: '/api/console/safety-index', tag: 'safety-index', auth: true,
    summary: '某区域某月的平安指数：按当前数据的计算结果、需录入的指标、已发布的结果和走势', query: SafetyIndexMonthQuery,
    response: SafetyIndexPreview,
  }),
  safetyIndexInputs: endpoint({
    method: 'PUT', path: '/api/console/safety-index/inputs', tag: 'safety-index', auth: true,
    summary: '录入某区域某月由公安、消防等部门提供的指标数值', body: SafetyIndexInputsBody, response: SafetyIndexPreview,
  }),
  publishSafetyIndex: endpoint({
    method: 'POST', path: '/api/console/safety-index/publish', tag: 'safety-index', auth: true,
    summary: '发布某区域某月的平安指数（月份结束且指标录入齐全后）；再次发布即更正', body: SafetyIndexPublishBody,
    response: SafetyIndexPublication,
  }),
  publicSafetyIndex: endpoint({
    method: 'GET', path: '/api/safety-index', tag: 'safety-index', auth: true,
    summary: '居民查看平安指数：本社区（或最近的上级区域）最新发布的月份、走势和各项指标', query: PublicSafetyIndexQuery,
    response: PublicSafetyIndex,
  }),
} as const
