import { ERROR_MESSAGES, ErrorBody, type ErrorCode } from '@anju/shared'

/** Codes the client itself produces, next to the server's ErrorCode. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE' | 'HTTP_ERROR'
export type ApiErrorCode = ErrorCode | ClientErrorCode

const CLIENT_MESSAGES: Record<ClientErrorCode, string> = {
  NETWORK_ERROR: '网络连接失败，请检查网络后重试',
  BAD_RESPONSE: '服务器返回的数据有误，请稍后再试',
  HTTP_ERROR: '请求失败，请稍后再试',
}

/** A failed call. `message` is Chinese and safe to show; branch on `code`, never on the message. */
export class ApiError extends Error {
  readonly status: number
  readonly code: ApiErrorCode
  readonly details?: unknown

  constructor(status: number, code: ApiErrorCode, message?: string, details?: unknown) {
    super(message || messageFor(code))
    // Keeps instanceof working once babel turns the class into ES5 for the mini program.
    Object.setPrototypeOf(this, ApiError.prototype)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError
}

function messageFor(code: ApiErrorCode): string {
  return (ERROR_MESSAGES as Record<string, string>)[code] ?? CLIENT_MESSAGES[code as ClientErrorCode] ?? CLIENT_MESSAGES.HTTP_ERROR
}

/** Reads the server's {error:{code,message,details}} body; anything else becomes HTTP_ERROR. */
export function errorFromResponse(status: number, data: unknown): ApiError {
  const parsed = ErrorBody.safeParse(data)
  if (parsed.success) {
    const { code, message, details } = parsed.data.error
    return new ApiError(status, code, message, details)
  }
  // A code this client does not know yet: keep the server's words if it sent any.
  const error = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error
  if (error && typeof error.code === 'string') {
    const message = typeof error.message === 'string' ? error.message : undefined
    return new ApiError(status, error.code as ApiErrorCode, message, error.details)
  }
  return new ApiError(status, 'HTTP_ERROR', `${CLIENT_MESSAGES.HTTP_ERROR}（${status}）`)
}

/** The text to show for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message) return err.message
  return CLIENT_MESSAGES.HTTP_ERROR
}
