import { endpoint } from '../endpoint'
import {
  CaseActionInput, CaseDetail, CategoryCodeParam, CategoryInput, CategoryUpdate, CategoryView, GridWorkerList, CaseIdParam, CaseListQuery, CasePage, CaseView, CategoryList, CategoryQuery,
  DuplicateCandidateList, DuplicateCandidateQuery, MyCaseQuery, NearbyGridList, NearbyGridQuery, RegradeCaseInput,
  SubmitReportInput, SubmitReportResult, UploadView,
} from '../schemas/cases'
import { MetricsQuery, MetricsReport } from '../schemas/metrics'

export const casesEndpoints = {
  categories: endpoint({
    method: 'GET', path: '/api/categories', tag: 'cases', auth: true,
    summary: '可选的投诉、举报和隐患类别', query: CategoryQuery, response: CategoryList,
  }),
  upload: endpoint({
    method: 'POST', path: '/api/uploads', tag: 'cases', auth: true, status: 201,
    summary: '上传一张照片（multipart 字段 file；JPEG/PNG/WebP，≤10 MB，重新编码并去除 EXIF）',
    response: UploadView,
  }),
  submitReport: endpoint({
    method: 'POST', path: '/api/cases', tag: 'cases', auth: true, status: 201,
    summary: '提交投诉、举报或隐患线索（必须带 Idempotency-Key；带 followCaseId 时改为关注该案件）',
    body: SubmitReportInput, response: SubmitReportResult,
  }),
  duplicateCandidates: endpoint({
    method: 'GET', path: '/api/cases/candidates', tag: 'cases', auth: true,
    summary: '提交前：附近同类别、可能是同一问题的未办结案件（不含他人的描述、照片和位置；保密和匿名案件从不列出）',
    query: DuplicateCandidateQuery, response: DuplicateCandidateList,
  }),
  nearbyGrids: endpoint({
    method: 'GET', path: '/api/grids/nearby', tag: 'cases', auth: true,
    summary: '位置附近的网格和承办社区（含网格范围），供居民确认或更正案件去向',
    query: NearbyGridQuery, response: NearbyGridList,
  }),
  myCases: endpoint({
    method: 'GET', path: '/api/my/cases', tag: 'cases', auth: true,
    summary: '我的诉求：我提交的和我关注的案件', query: MyCaseQuery, response: CasePage,
  }),
  staffCases: endpoint({
    method: 'GET', path: '/api/staff/cases', tag: 'cases', auth: true,
    summary: '工作台：辖区内的案件（可按状态、颜色、是否超期筛选）', query: CaseListQuery, response: CasePage,
  }),
  caseDetail: endpoint({
    method: 'GET', path: '/api/cases/:id', tag: 'cases', auth: true,
    summary: '案件详情和完整时间线（无权查看时返回 404）', params: CaseIdParam, response: CaseDetail,
  }),
  caseAction: endpoint({
    method: 'POST', path: '/api/cases/:id/actions', tag: 'cases', auth: true,
    summary: '对案件执行一个操作；状态不允许时返回 409 并列出可执行的操作',
    params: CaseIdParam, body: CaseActionInput, response: CaseView,
  }),
  regradeCase: endpoint({
    method: 'POST', path: '/api/cases/:id/colour', tag: 'cases', auth: true,
    summary: '调整案件预警等级（红黄绿）并按新等级重算未到期的受理、办结时限；处置完成后返回 409',
    params: CaseIdParam, body: RegradeCaseInput, response: CaseView,
  }),
  createCategory: endpoint({
    method: 'POST', path: '/api/admin/categories', tag: 'cases', auth: true, status: 201,
    summary: '新增类别（颜色、受理和办结时限、流转层级、必填项）；举报积分在积分规则中设置', body: CategoryInput, response: CategoryView,
  }),
  updateCategory: endpoint({
    method: 'PUT', path: '/api/admin/categories/:code', tag: 'cases', auth: true,
    summary: '修改类别；只影响此后提交的案件', params: CategoryCodeParam, body: CategoryUpdate, response: CategoryView,
  }),
  gridWorkers: endpoint({
    method: 'GET', path: '/api/staff/grid-workers', tag: 'cases', auth: true,
    summary: '辖区内可派单的网格员', response: GridWorkerList,
  }),
  caseMetrics: endpoint({
    method: 'GET', path: '/api/staff/metrics', tag: 'cases', auth: true,
    summary: '办结率、按时办结率、满意率和办结用时中位数（按社区、网格或网格员）', query: MetricsQuery, response: MetricsReport,
  }),
} as const
