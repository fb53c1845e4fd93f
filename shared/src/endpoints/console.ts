import { endpoint } from '../endpoint'
import { CasePage, CaseView } from '../schemas/cases'
import { BoardCounts, BoardQuery, ConsoleCaseQuery, ConsolePeriodQuery, Heatmap, Overview } from '../schemas/console'
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
} as const


