import { ERROR_MESSAGES, type ErrorCode, type FieldIssue } from '@anju/shared'
import type { z } from 'zod'

/** An error that is safe to show: a stable code, an HTTP status and a Chinese message. */
export class AppError extends Error {
  readonly status: number
  readonly code: ErrorCode
  readonly details: unknown

  constructor(status: number, code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_MESSAGES[code])
    this.status = status
    this.code = code
    this.details = details
  }
}

export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
}

export const errors = {
  validation: (zodError: z.ZodError) =>
    new AppError(400, 'VALIDATION_FAILED', undefined, { fields: fieldIssues(zodError) }),
  invalidJson: () => new AppError(400, 'INVALID_JSON'),
  unauthenticated: () => new AppError(401, 'UNAUTHENTICATED'),
  tokenExpired: () => new AppError(401, 'TOKEN_EXPIRED'),
  tokenInvalid: () => new AppError(401, 'TOKEN_INVALID'),
  loginFailed: () => new AppError(401, 'LOGIN_FAILED'),
  accountDisabled: () => new AppError(403, 'ACCOUNT_DISABLED'),
  forbidden: () => new AppError(403, 'FORBIDDEN'),
  notFound: () => new AppError(404, 'NOT_FOUND'),
  routeNotFound: () => new AppError(404, 'ROUTE_NOT_FOUND'),
  devLoginDisabled: () => new AppError(404, 'DEV_LOGIN_DISABLED'),
  methodNotAllowed: () => new AppError(405, 'METHOD_NOT_ALLOWED'),
  idempotencyKeyInvalid: () => new AppError(400, 'IDEMPOTENCY_KEY_INVALID'),
  idempotencyKeyReused: () => new AppError(409, 'IDEMPOTENCY_KEY_REUSED'),
  idempotencyInProgress: () => new AppError(409, 'IDEMPOTENCY_IN_PROGRESS'),
  insufficientPoints: () => new AppError(409, 'INSUFFICIENT_POINTS'),
  ledgerKeyConflict: () => new AppError(409, 'LEDGER_KEY_CONFLICT'),
  alreadyAwarded: () => new AppError(409, 'ALREADY_AWARDED'),
  alreadyReversed: () => new AppError(409, 'ALREADY_REVERSED'),
  conflict: (details?: unknown) => new AppError(409, 'CONFLICT', undefined, details),
  payloadTooLarge: () => new AppError(413, 'PAYLOAD_TOO_LARGE'),
  unsupportedMediaType: () => new AppError(415, 'UNSUPPORTED_MEDIA_TYPE'),
  wechatCodeInvalid: () => new AppError(400, 'WECHAT_CODE_INVALID'),
  wechatRateLimited: () => new AppError(429, 'WECHAT_RATE_LIMITED'),
  wechatRiskyUser: () => new AppError(403, 'WECHAT_RISKY_USER'),
  wechatUnavailable: () => new AppError(503, 'WECHAT_UNAVAILABLE'),
  serviceUnavailable: () => new AppError(503, 'SERVICE_UNAVAILABLE'),
}
