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
  /** The message is the first field's own (what a form shows above its button); every field is in the details. */
  validation: (zodError: z.ZodError) => {
    const fields = fieldIssues(zodError)
    return new AppError(400, 'VALIDATION_FAILED', fields[0]?.message, { fields })
  },
  /** A field that passed its schema but failed a check that needs more than the field itself. */
  invalidField: (path: string, message: string) => new AppError(400, 'VALIDATION_FAILED', message, { fields: [{ path, message }] }),
  invalidJson: () => new AppError(400, 'INVALID_JSON'),
  bodyTooDeep: () => new AppError(400, 'BODY_TOO_DEEP'),
  unauthenticated: () => new AppError(401, 'UNAUTHENTICATED'),
  tokenExpired: () => new AppError(401, 'TOKEN_EXPIRED'),
  tokenInvalid: () => new AppError(401, 'TOKEN_INVALID'),
  loginFailed: () => new AppError(401, 'LOGIN_FAILED'),
  accountDisabled: () => new AppError(403, 'ACCOUNT_DISABLED'),
  accountLocked: () => new AppError(423, 'ACCOUNT_LOCKED'),
  loginThrottled: (retryAfterSeconds: number) =>
    new AppError(429, 'LOGIN_THROTTLED', `登录尝试过于频繁，请 ${Math.ceil(retryAfterSeconds / 60)} 分钟后再试`, { retryAfterSeconds }),
  passwordIncorrect: () => new AppError(400, 'PASSWORD_INCORRECT'),
  passwordNotSet: () => new AppError(403, 'PASSWORD_NOT_SET'),
  passwordReused: () => new AppError(400, 'PASSWORD_REUSED'),
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
  awardAlreadyDecided: () => new AppError(409, 'AWARD_ALREADY_DECIDED'),
  awardSelfApproval: () => new AppError(403, 'AWARD_SELF_APPROVAL'),
  awardBudgetExhausted: () => new AppError(409, 'AWARD_BUDGET_EXHAUSTED'),
  soldOut: () => new AppError(409, 'SOLD_OUT'),
  redemptionLimitReached: () => new AppError(409, 'REDEMPTION_LIMIT_REACHED'),
  rewardNotAvailable: (message?: string) => new AppError(409, 'REWARD_NOT_AVAILABLE', message),
  rewardResidenceRequired: (message: string, details: { redeemableFrom: string }) =>
    new AppError(409, 'REWARD_RESIDENCE_REQUIRED', message, details),
  communityChangeTooSoon: (message: string, details: { nextChangeAt: string }) =>
    new AppError(409, 'COMMUNITY_CHANGE_TOO_SOON', message, details),
  rewardArchived: () => new AppError(409, 'REWARD_ARCHIVED'),
  redemptionNotReserved: () => new AppError(409, 'REDEMPTION_NOT_RESERVED'),
  redemptionExpired: () => new AppError(409, 'REDEMPTION_EXPIRED'),
  pickupCodeInvalid: () => new AppError(404, 'PICKUP_CODE_INVALID'),
  patrolTeamRegionInvalid: () => new AppError(400, 'PATROL_TEAM_REGION_INVALID'),
  patrolMembershipExists: () => new AppError(409, 'PATROL_MEMBERSHIP_EXISTS'),
  patrolMembershipDecided: () => new AppError(409, 'PATROL_MEMBERSHIP_DECIDED'),
  patrolNotMember: () => new AppError(403, 'PATROL_NOT_MEMBER'),
  patrolAlreadyRunning: (details?: unknown) => new AppError(409, 'PATROL_ALREADY_RUNNING', undefined, details),
  patrolNotRunning: () => new AppError(409, 'PATROL_NOT_RUNNING'),
  patrolCodeInvalid: () => new AppError(400, 'PATROL_CODE_INVALID'),
  patrolCodeRetired: () => new AppError(409, 'PATROL_CODE_RETIRED'),
  patrolShortCodeInvalid: () => new AppError(400, 'PATROL_SHORT_CODE_INVALID'),
  patrolCheckpointNotOnRoute: () => new AppError(409, 'PATROL_CHECKPOINT_NOT_ON_ROUTE'),
  patrolTrackBatchConflict: () => new AppError(409, 'PATROL_TRACK_BATCH_CONFLICT'),
  caseTransitionNotAllowed: (details: { status: string; allowed: string[] }) =>
    new AppError(409, 'CASE_TRANSITION_NOT_ALLOWED', undefined, details),
  categoryUnknown: () => new AppError(400, 'CATEGORY_UNKNOWN'),
  categoryKindMismatch: () => new AppError(400, 'CATEGORY_KIND_MISMATCH'),
  plateRequired: () => new AppError(400, 'PLATE_REQUIRED'),
  photoRequired: () => new AppError(400, 'PHOTO_REQUIRED'),
  photoNotFound: () => new AppError(400, 'PHOTO_NOT_FOUND'),
  occurredAtInvalid: () => new AppError(400, 'OCCURRED_AT_INVALID'),
  contentRejected: () => new AppError(422, 'CONTENT_REJECTED'),
  uploadQuotaExceeded: (retryAfterSeconds: number) => new AppError(429, 'UPLOAD_QUOTA_EXCEEDED', undefined, { retryAfterSeconds }),
  rateLimited: (retryAfterSeconds?: number) =>
    new AppError(429, 'RATE_LIMITED', undefined, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds }),
  idempotencyKeyRequired: () => new AppError(400, 'IDEMPOTENCY_KEY_REQUIRED'),
  assigneeInvalid: () => new AppError(400, 'ASSIGNEE_INVALID'),
  noGrid: () => new AppError(503, 'NO_GRID'),
  gridTooFar: () => new AppError(400, 'GRID_TOO_FAR'),
  caseNotFollowable: () => new AppError(409, 'CASE_NOT_FOLLOWABLE'),
  gridAreaNotGrid: () => new AppError(400, 'GRID_AREA_NOT_GRID'),
  safetyIndexMonthOpen: () => new AppError(409, 'SAFETY_INDEX_MONTH_OPEN'),
  usernameTaken: () => new AppError(409, 'USERNAME_TAKEN'),
  staffRoleRegionMismatch: (message: string) => new AppError(400, 'STAFF_ROLE_REGION_MISMATCH', message),
  staffAccountSelf: () => new AppError(409, 'STAFF_ACCOUNT_SELF'),
  safetyIndexInputMissing: (missing: string[]) => new AppError(409, 'SAFETY_INDEX_INPUT_MISSING', `还有指标未录入：${missing.join('、')}`, { missing }),
  imageInvalid: () => new AppError(415, 'IMAGE_INVALID'),
  signatureInvalid: () => new AppError(401, 'SIGNATURE_INVALID'),
  fileLinkExpired: () => new AppError(403, 'FILE_LINK_EXPIRED'),
  consentRequired: (details?: unknown) => new AppError(403, 'CONSENT_REQUIRED', undefined, details),
  accountCloseBlocked: (details?: unknown) => new AppError(409, 'ACCOUNT_CLOSE_BLOCKED', undefined, details),
  accountCloseNotAllowed: () => new AppError(403, 'ACCOUNT_CLOSE_NOT_ALLOWED'),
  conflict: (details?: unknown) => new AppError(409, 'CONFLICT', undefined, details),
  payloadTooLarge: () => new AppError(413, 'PAYLOAD_TOO_LARGE'),
  unsupportedMediaType: () => new AppError(415, 'UNSUPPORTED_MEDIA_TYPE'),
  wechatCodeInvalid: () => new AppError(400, 'WECHAT_CODE_INVALID'),
  wechatRateLimited: () => new AppError(429, 'WECHAT_RATE_LIMITED'),
  wechatRiskyUser: () => new AppError(403, 'WECHAT_RISKY_USER'),
  wechatUnavailable: () => new AppError(503, 'WECHAT_UNAVAILABLE'),
  serviceUnavailable: (retryAfterSeconds?: number) =>
    new AppError(503, 'SERVICE_UNAVAILABLE', undefined, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds }),
}
