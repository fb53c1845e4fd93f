export { call, logOut, type CallOptions } from './client'
export { ApiError, isApiError, errorMessage, type ApiErrorCode, type ClientErrorCode } from './errors'
export { newIdempotencyKey } from './idempotency'
export {
  getSession,
  saveAuthSession,
  updateSessionUser,
  clearSession,
  subscribeSession,
  type Session,
} from './session'
export { API_BASE } from './base'
