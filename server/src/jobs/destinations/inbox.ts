import type { InboxPayload } from '../../commands/notify'
import { notificationsRepo } from '../../repositories/notifications'
import type { Destination } from './index'

/** The in-app inbox: the notice lands in the user's list, dated when it happened, once per message. */
export const inboxDestination: Destination = {
  name: 'inbox',
  policy: () => ({ maxAttempts: 10, backoffMs: 5_000, timeoutMs: 5_000 }),
  async deliver({ db }, message) {
    const n = JSON.parse(message.payload) as InboxPayload
    await notificationsRepo.insertOnce(db, {
      userId: n.userId, kind: n.kind, title: n.title, body: n.body, page: n.page, caseId: n.caseId, outboxMessageId: message.id,
      createdAt: message.created_at,
    })
    return { kind: 'delivered' }
  },
}
