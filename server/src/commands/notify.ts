import { NOTIFICATION_KIND_LABELS, type NotificationKind } from '@anju/shared'
import type { Trx } from '../db/knex'
import { outboxRepo } from '../repositories/outbox'
import { subscribeGrantsRepo } from '../repositories/notifications'

/** Pages a notice opens, in the mini program (the same paths the mini program's own links use). */
export const NOTICE_PAGES = {
  residentCase: (id: number) => `/packages/report/pages/detail/index?id=${id}`,
  staffCase: (id: number) => `/packages/workbench/pages/case/index?id=${id}`,
  redemption: (id: string) => `/packages/mall/pages/redemption/index?id=${id}`,
  patrol: (id: number) => `/packages/patrol/pages/record/index?id=${id}`,
  points: '/pages/points/index',
} as const

/** One thing to tell people: an in-app notice, and a subscribe message where one is configured and granted. */
export interface Notice {
  kind: NotificationKind
  /** What the notice is about (an event, an award, a redemption…): the same notice is never queued twice. */
  ref: string
  body: string
  page: string | null
  caseId?: number | null
  /** Values a subscribe-message template's fields may use (NOTIFICATION_VARIABLES of the kind). */
  vars: Record<string, string>
  /** Whose administrators see a dead letter of it. */
  regionPath?: string | null
  at: Date
  /** False to keep it to the inbox. */
  wechat?: boolean
}

export interface InboxPayload {
  userId: number
  kind: NotificationKind
  title: string
  body: string
  page: string | null
  caseId: number | null
}

export interface WechatPayload {
  userId: number
  kind: NotificationKind
  page: string | null
  vars: Record<string, string>
}

/**
 * Queues a notice for each user, in the caller's transaction: one message in the user's inbox stream and, when
 * the user can receive subscribe messages at all (an enabled WeChat account with a grant left), one in their WeChat
 * stream. Which template it uses and whether a grant is left for it is decided when it is sent, so a template
 * configured later still applies to what is queued.
 */
export async function notify(trx: Trx, userIds: number[], notice: Notice): Promise<void> {
  const title = NOTIFICATION_KIND_LABELS[notice.kind]
  const unique = [...new Set(userIds)]
  // Callers notify once per thing (an event, a decision, a guarded job step); the outbox's unique key backs that up.
  const onWechat = notice.wechat === false ? new Set<number>() : new Set(await subscribeGrantsRepo.reachableOnWechat(trx, unique))
  for (const userId of unique) {
    const key = `${notice.kind}:${notice.ref}:${userId}`
    const common = { userId, caseId: notice.caseId ?? null, regionPath: notice.regionPath ?? null, now: notice.at }
    const inbox: InboxPayload = { userId, kind: notice.kind, title, body: notice.body, page: notice.page, caseId: notice.caseId ?? null }
    await outboxRepo.append(trx, {
      ...common, destination: 'inbox', streamKey: `inbox:user:${userId}`, idempotencyKey: `inbox:${key}`, payload: JSON.stringify(inbox),
    })
    if (!onWechat.has(userId)) continue
    const wechat: WechatPayload = { userId, kind: notice.kind, page: notice.page, vars: { title, ...notice.vars } }
    await outboxRepo.append(trx, {
      ...common, destination: 'wechat', streamKey: `wechat:user:${userId}`, idempotencyKey: `wechat:${key}`, payload: JSON.stringify(wechat),
    })
  }
}
