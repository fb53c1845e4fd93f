import { z } from './zod'
import { AuthSession, DevLoginInput, RefreshInput, StaffLoginInput, WechatLoginInput } from './schemas/auth'
import { HealthView, ReadyView } from './schemas/health'
import { IdParam, RegionList, RegionView } from './schemas/regions'
import { UserView } from './schemas/users'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * One HTTP endpoint, described once: the server validates with these schemas and builds the OpenAPI
 * document from them; the mini program's client types its calls with them.
 */
export interface Endpoint {
  method: HttpMethod
  /** Koa-style path, e.g. /api/regions/:id */
  path: string
  summary: string
  tag: string
  /** Whether a bearer token is required. */
  auth: boolean
  body?: z.ZodType
  params?: z.ZodType
  query?: z.ZodType
  response: z.ZodType
  /** Success status, 200 unless said otherwise. */
  status?: number
}

/** Keeps each endpoint's literal type, so clients and routes see its exact schemas. */
function endpoint<const E extends Endpoint>(e: E): E {
  return e
}

export const api = {
  healthz: endpoint({
    method: 'GET', path: '/healthz', tag: 'system', auth: false,
    summary: '进程存活检查', response: HealthView,
  }),
  readyz: endpoint({
    method: 'GET', path: '/readyz', tag: 'system', auth: false,
    summary: '就绪检查（数据库可达）', response: ReadyView,
  }),
  wechatLogin: endpoint({
    method: 'POST', path: '/api/auth/wechat', tag: 'auth', auth: false,
    summary: '微信登录：用 wx.login 的 code 换取会话', body: WechatLoginInput, response: AuthSession,
  }),
  staffLogin: endpoint({
    method: 'POST', path: '/api/auth/staff', tag: 'auth', auth: false,
    summary: '工作人员账号密码登录', body: StaffLoginInput, response: AuthSession,
  }),
  devLogin: endpoint({
    method: 'POST', path: '/api/auth/dev', tag: 'auth', auth: false,
    summary: '开发登录（仅开发环境显式开启时可用）', body: DevLoginInput, response: AuthSession,
  }),
  refresh: endpoint({
    method: 'POST', path: '/api/auth/refresh', tag: 'auth', auth: false,
    summary: '用刷新凭证换取新会话', body: RefreshInput, response: AuthSession,
  }),
  me: endpoint({
    method: 'GET', path: '/api/me', tag: 'users', auth: true,
    summary: '当前登录用户', response: UserView,
  }),
  regions: endpoint({
    method: 'GET', path: '/api/regions', tag: 'regions', auth: true,
    summary: '可见的区域（工作人员为其辖区子树）', response: RegionList,
  }),
  region: endpoint({
    method: 'GET', path: '/api/regions/:id', tag: 'regions', auth: true,
    summary: '区域详情（辖区外返回 404）', params: IdParam, response: RegionView,
  }),
} as const

export type Api = typeof api
export type EndpointName = keyof Api
/** What a caller sends as the body of endpoint E (never when it takes none). */
export type BodyOf<E> = E extends { body: infer B extends z.ZodType } ? z.input<B> : never
/** The path parameters endpoint E takes. */
export type ParamsOf<E> = E extends { params: infer P extends z.ZodType } ? z.input<P> : never
/** The query endpoint E takes. */
export type QueryOf<E> = E extends { query: infer Q extends z.ZodType } ? z.input<Q> : never
/** What endpoint E answers with. */
export type ResponseOf<E> = E extends { response: infer R extends z.ZodType } ? z.output<R> : never

/** Fills a Koa-style path with parameters: pathFor('/api/regions/:id', {id: 3}) → /api/regions/3 */
export function pathFor(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
    const value = params[name]
    if (value === undefined) throw new Error(`missing path parameter ${name}`)
    return encodeURIComponent(String(value))
  })
}
