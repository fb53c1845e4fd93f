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
  BODY_TOO_DEEP: '提交的内容层级过深',
  IDEMPOTENCY_KEY_INVALID: '请求标识格式有误',
  IDEMPOTENCY_KEY_REUSED: '同一请求标识已用于不同的内容，请刷新后重试',
  IDEMPOTENCY_IN_PROGRESS: '相同的请求正在处理中，请稍后再试',
  LOGIN_FAILED: '用户名或密码错误',
  ACCOUNT_DISABLED: '账号已停用，请联系管理员',
  ACCOUNT_LOCKED: '密码错误次数过多，账号已锁定，请联系管理员解锁',
  LOGIN_THROTTLED: '登录尝试过于频繁，请稍后再试',
  PASSWORD_INCORRECT: '当前密码不正确',
  PASSWORD_NOT_SET: '该账号没有登录密码',
  PASSWORD_REUSED: '新密码不能与当前密码或用户名相同',
  WECHAT_CODE_INVALID: '微信登录凭证无效或已过期，请重新登录',
  WECHAT_RATE_LIMITED: '登录过于频繁，请稍后再试',
  WECHAT_RISKY_USER: '当前微信账号存在风险，暂时无法登录',
  WECHAT_UNAVAILABLE: '微信服务暂时不可用，请稍后再试',
  DEV_LOGIN_DISABLED: '当前环境未开放开发登录',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  UPLOAD_QUOTA_EXCEEDED: '今天上传的照片已达上限，请明天再试',
  INSUFFICIENT_POINTS: '积分不足',
  LEDGER_KEY_CONFLICT: '该积分操作标识已用于不同的内容',
  ALREADY_AWARDED: '该事项已发放过积分',
  ALREADY_REVERSED: '该笔积分已冲正',
  AWARD_ALREADY_DECIDED: '该奖励已被审核，请刷新',
  AWARD_SELF_APPROVAL: '不能审核自己提出的奖励，请由另一名工作人员审核',
  AWARD_BUDGET_EXHAUSTED: '本月积分预算已用完',
  AWARD_CAP_REACHED: '该居民已达积分上限',
  NO_AWARD_RULE: '该事项没有配置积分规则',
  SOLD_OUT: '已兑完',
  REDEMPTION_LIMIT_REACHED: '已达每人限兑数量',
  REWARD_NOT_AVAILABLE: '该礼品当前不可兑换',
  REWARD_RESIDENCE_REQUIRED: '迁入本社区满一定天数后才能兑换本社区的礼品',
  COMMUNITY_CHANGE_TOO_SOON: '更换社区过于频繁，请稍后再试',
  REWARD_ARCHIVED: '该礼品已下架，不能再修改',
  REDEMPTION_NOT_RESERVED: '该兑换已领取、取消或过期',
  REDEMPTION_EXPIRED: '领取码已过期',
  PICKUP_CODE_INVALID: '领取码无效，请核对后重新输入',
  PATROL_TEAM_REGION_INVALID: '巡逻队须建在社区下',
  PATROL_MEMBERSHIP_EXISTS: '你已申请或已加入该巡逻队',
  PATROL_MEMBERSHIP_DECIDED: '该申请已处理，请刷新',
  PATROL_NOT_MEMBER: '你还不是该巡逻队的队员，请先申请加入',
  PATROL_ALREADY_RUNNING: '你有一次巡逻尚未结束，请先结束它',
  PATROL_NOT_RUNNING: '该巡逻已结束',
  PATROL_CODE_INVALID: '二维码无效，请扫描检查点上的巡逻二维码',
  PATROL_CODE_RETIRED: '该二维码已更换，请扫描现场最新的二维码',
  PATROL_SHORT_CODE_INVALID: '签到编号不对或已更换，请核对检查点二维码下方的 8 位编号',
  PATROL_CHECKPOINT_NOT_ON_ROUTE: '该检查点不在本次巡逻的路线上',
  PATROL_TRACK_BATCH_CONFLICT: '该批次轨迹已上传过且内容不同',
  CASE_TRANSITION_NOT_ALLOWED: '案件当前状态不允许此操作，请刷新后重试',
  CATEGORY_UNKNOWN: '所选类别不存在或已停用',
  CATEGORY_KIND_MISMATCH: '所选类别不属于该类型',
  PLATE_REQUIRED: '该类别需要填写车牌号',
  PHOTO_REQUIRED: '该类别至少需要一张照片',
  PHOTO_NOT_FOUND: '照片不存在或已被使用，请重新上传',
  OCCURRED_AT_INVALID: '发生时间不能晚于现在',
  CONTENT_REJECTED: '内容含有违规信息，请修改后再提交',
  IDEMPOTENCY_KEY_REQUIRED: '缺少请求标识（Idempotency-Key）',
  ASSIGNEE_INVALID: '只能派给本辖区的网格员',
  NO_GRID: '尚未配置网格，暂时无法受理',
  GRID_TOO_FAR: '所选网格离事发位置太远，请重新选择',
  CASE_NOT_FOLLOWABLE: '该案件已办结或不在附近，无法关注，请作为新问题提交',
  GRID_AREA_NOT_GRID: '只能为网格设置范围',
  SAFETY_INDEX_MONTH_OPEN: '该月尚未结束，月末后才能发布平安指数',
  SAFETY_INDEX_INPUT_MISSING: '还有指标未录入，请补齐后再发布',
  USERNAME_TAKEN: '该用户名已被使用',
  STAFF_ROLE_REGION_MISMATCH: '该角色不能设在所选区域层级',
  STAFF_ACCOUNT_SELF: '不能停用自己或更改自己的角色',
  IMAGE_INVALID: '只支持 JPEG、PNG、WebP 格式的图片',
  SIGNATURE_INVALID: '签名校验失败',
  FILE_LINK_EXPIRED: '图片链接已过期，请刷新页面后查看',
  CONSENT_REQUIRED: '开始巡逻前，请先同意在巡逻期间记录您的位置轨迹',
  ACCOUNT_CLOSE_BLOCKED: '您还有进行中的巡逻或待领取的兑换，请先结束巡逻、领取或取消兑换后再注销',
  ACCOUNT_CLOSE_NOT_ALLOWED: '工作人员账号请联系管理员停用',
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
