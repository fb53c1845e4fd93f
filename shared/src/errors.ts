import { z } from './zod'

/**
 * Stable error codes. Clients branch on `code`; `message` is Chinese and safe to show to a resident.
 * The server's error factories take their default message from here.
 */
export const ERROR_MESSAGES = {
  VALIDATION_FAILED: '提交的内容有误，请检查后重试',
  UNAUTHENTICATED: '请先登录',
  TOKEN_EXPIRED: '登录已过期，请重新登录',
  TOKEN_INVALID: '登录凭证无效，请重新登录',
  FORBIDDEN: '没有权限执行此操作',
  NOT_FOUND: '内容不存在或无权查看',
  ROUTE_NOT_FOUND: '请求的接口不存在',
  METHOD_NOT_ALLOWED: '不支持该请求方式',
  PAYLOAD_TOO_LARGE: '提交的内容过大',
  UNSUPPORTED_MEDIA_TYPE: '不支持的内容格式',
  INVALID_JSON: '请求内容不是有效的 JSON',
  IDEMPOTENCY_KEY_INVALID: '请求标识格式有误',
  IDEMPOTENCY_KEY_REUSED: '同一请求标识已用于不同的内容，请刷新后重试',
  IDEMPOTENCY_IN_PROGRESS: '相同的请求正在处理中，请稍后再试',
  LOGIN_FAILED: '用户名或密码错误',
  ACCOUNT_DISABLED: '账号已停用，请联系管理员',
  WECHAT_CODE_INVALID: '微信登录凭证无效或已过期，请重新登录',
  WECHAT_RATE_LIMITED: '登录过于频繁，请稍后再试',
  WECHAT_RISKY_USER: '当前微信账号存在风险，暂时无法登录',
  WECHAT_UNAVAILABLE: '微信服务暂时不可用，请稍后再试',
  DEV_LOGIN_DISABLED: '当前环境未开放开发登录',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  INSUFFICIENT_POINTS: '积分不足',
  LEDGER_KEY_CONFLICT: '该积分操作标识已用于不同的内容',
  ALREADY_AWARDED: '该事项已发放过积分',
  ALREADY_REVERSED: '该笔积分已冲正',
  CONFLICT: '数据已被修改，请刷新后重试',
  SERVICE_UNAVAILABLE: '服务暂时不可用，请稍后再试',
  INTERNAL: '服务器开小差了，请稍后再试',
} as const

export type ErrorCode = keyof typeof ERROR_MESSAGES
export const ErrorCode = z.enum(Object.keys(ERROR_MESSAGES) as [ErrorCode, ...ErrorCode[]])

export const FieldIssue = z.object({
  path: z.string().describe('出错字段，例如 items.0.name'),
  message: z.string(),
})
export type FieldIssue = z.infer<typeof FieldIssue>

export const ErrorBody = z
  .object({
    error: z.object({
      code: ErrorCode,
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'ErrorBody' })
export type ErrorBody = z.infer<typeof ErrorBody>
