import { z } from '../zod'
import { CaseView } from './cases'

/**
 * What people are told about: each kind is one in-app notice and, where a WeChat subscribe-message template is
 * configured for it (WECHAT_SUBSCRIBE_TEMPLATES) and the user granted it, one subscribe message.
 */
export const NOTIFICATION_KINDS = [
  'case_accepted',
  'case_dispatched',
  'case_resolved',
  'case_closed',
  'case_rejected',
  'case_assigned',
  'case_supervised',
  'award_approved',
  'award_rejected',
  'award_reversed',
  'redemption_ready',
  'redemption_expiring',
  'patrol_judged',
] as const
export const NotificationKind = z.enum(NOTIFICATION_KINDS)
export type NotificationKind = z.infer<typeof NotificationKind>

export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
  case_accepted: '诉求已受理',
  case_dispatched: '诉求已派单',
  case_resolved: '诉求已办结待评价',
  case_closed: '诉求已办结',
  case_rejected: '诉求未予受理',
  case_assigned: '新派单',
  case_supervised: '超期督办',
  award_approved: '积分已到账',
  award_rejected: '积分未通过',
  award_reversed: '积分已撤回',
  redemption_ready: '礼品待领取',
  redemption_expiring: '礼品领取即将到期',
  patrol_judged: '巡逻结果',
}

/**
 * The values each kind offers to a subscribe-message template's field mapping, as {name} placeholders
 * (WECHAT_SUBSCRIBE_TEMPLATES). Every kind also offers {title} and {time} (when it happened).
 */
const CASE_VARIABLES = ['caseNumber', 'category', 'status', 'address', 'note'] as const
export const NOTIFICATION_VARIABLES: Record<NotificationKind, readonly string[]> = {
  case_accepted: CASE_VARIABLES,
  case_dispatched: CASE_VARIABLES,
  case_resolved: CASE_VARIABLES,
  case_closed: CASE_VARIABLES,
  case_rejected: [...CASE_VARIABLES, 'reason'],
  case_assigned: [...CASE_VARIABLES, 'deadline'],
  case_supervised: [...CASE_VARIABLES, 'deadline', 'overdue', 'round'],
  award_approved: ['points', 'reason'],
  award_rejected: ['points', 'reason', 'note'],
  award_reversed: ['points', 'reason', 'debt'],
  redemption_ready: ['reward', 'place', 'deadline'],
  redemption_expiring: ['reward', 'place', 'deadline'],
  patrol_judged: ['result', 'duration', 'distance', 'team'],
}

/**
 * The moments the mini program may ask for subscribe messages (WeChat allows it only on a tap), and the kinds
 * each asks for, in order of importance: one request carries at most three templates.
 */
export const SUBSCRIBE_MOMENTS = {
  report: ['case_accepted', 'case_resolved', 'case_rejected', 'case_dispatched', 'case_closed'],
  redeem: ['redemption_ready', 'redemption_expiring'],
  patrol: ['patrol_judged', 'award_approved', 'award_rejected'],
  workbench: ['case_supervised', 'case_assigned'],
} as const satisfies Record<string, readonly NotificationKind[]>
export const SubscribeMoment = z.enum(['report', 'redeem', 'patrol', 'workbench'])
export type SubscribeMoment = z.infer<typeof SubscribeMoment>
export const MAX_TEMPLATES_PER_REQUEST = 3

export const NotificationView = z
  .object({
    id: z.string(),
    kind: NotificationKind,
    title: z.string(),
    body: z.string(),
    page: z.string().nullable().describe('点击后打开的小程序页面'),
    caseId: z.number().int().nullable(),
    read: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'Notification' })
export type NotificationView = z.infer<typeof NotificationView>

export const NotificationQuery = z.object({
  cursor: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})
export const NotificationPage = z
  .object({ items: z.array(NotificationView), next: z.string().nullable(), unread: z.number().int() })
  .meta({ id: 'NotificationPage' })
export type NotificationPage = z.infer<typeof NotificationPage>
export const NotificationIdParam = z.object({ id: z.uuid('编号有误') })
export const UnreadCount = z.object({ unread: z.number().int() }).meta({ id: 'UnreadCount' })

export const SubscribeTemplatesQuery = z.object({ moment: SubscribeMoment })
export const SubscribeTemplates = z
  .object({
    templateIds: z.array(z.string()).max(MAX_TEMPLATES_PER_REQUEST).describe('传给 wx.requestSubscribeMessage 的 tmplIds；空表示未配置'),
  })
  .meta({ id: 'SubscribeTemplates' })
/** What wx.requestSubscribeMessage answered for each template. */
export const SubscribeChoice = z.enum(['accept', 'reject', 'ban', 'filter'])
export const SubscribeResultInput = z
  .object({
    results: z
      .array(z.object({ templateId: z.string().min(1).max(64), choice: SubscribeChoice }))
      .max(MAX_TEMPLATES_PER_REQUEST * 2),
  })
  .meta({ id: 'SubscribeResultInput' })
export const SubscribeGrants = z
  .object({ granted: z.array(z.string()).describe('本次记录下的一次性授权（每条消息用掉一次）') })
  .meta({ id: 'SubscribeGrants' })

/** 待办: what a staff-type account has to do, nearest deadline first. */
export const TodoItem = CaseView.extend({
  dueAt: z.string().describe('下一个时限：待受理的按受理时限，其余按办结时限'),
  dueKind: z.enum(['response', 'resolve']),
})
export const TodoList = z
  .object({
    counts: z.object({
      assigned: z.number().int().describe('在办：网格员为派给自己的，工作人员为辖区内已派单未办结的'),
      awaitingAcceptance: z.number().int(),
      overdue: z.number().int(),
    }),
    items: z.array(TodoItem),
  })
  .meta({ id: 'TodoList' })
export type TodoList = z.infer<typeof TodoList>
