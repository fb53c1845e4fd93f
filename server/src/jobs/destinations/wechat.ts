import type { WechatPayload } from '../../commands/notify'
import { withTransaction } from '../../db/transaction'
import { fitTemplateValue } from '../../integrations/wechat'
import { subscribeGrantsRepo } from '../../repositories/notifications'
import { usersRepo } from '../../repositories/users'
import type { Destination } from './index'

/** Fills a field mapping's {placeholders} from the notice's values. */
export function renderTemplateData(mapping: Record<string, string>, vars: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(mapping).map(([key, text]) => [key, fitTemplateValue(key, text.replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? ''))]),
  )
}

/**
 * WeChat subscribe messages (/cgi-bin/message/subscribe/send). The template is the one configured for the
 * notice's kind now; the user's one-time grant for it is taken once per message (a retry or replay reuses it).
 * No template, no WeChat account, no grant, or WeChat saying the user refused (43101): skipped, not retried.
 * Bad openid, template data or page (40003, 47003, 40037, 41030): a dead letter at once. Over quota (45009),
 * busy (-1) or unreachable: retried with back-off.
 */
export const wechatDestination: Destination = {
  name: 'wechat',
  policy: ({ wechat }) => ({ maxAttempts: wechat.sendMaxAttempts, backoffMs: wechat.sendBackoffMs, timeoutMs: 2 * 5_000 }),
  async deliver({ db, config, wechat }, message) {
    const m = JSON.parse(message.payload) as WechatPayload
    const template = config.wechat.subscribeTemplates[m.kind]
    if (!template) return { kind: 'skipped', reason: 'no template configured' }
    const user = await usersRepo.findById(db, m.userId)
    if (!user?.openid || user.disabled) return { kind: 'skipped', reason: 'no WeChat account' }
    const now = new Date()
    const granted = await withTransaction(db, (trx) =>
      subscribeGrantsRepo.takeFor(trx, { outboxMessageId: message.id, userId: m.userId, templateId: template.templateId, now }))
    if (!granted) return { kind: 'skipped', reason: 'no grant' }
    const result = await wechat.sendSubscribeMessage({
      touser: user.openid, templateId: template.templateId, page: m.page ? m.page.replace(/^\/+/, '') : null,
      data: renderTemplateData(template.data, m.vars), miniprogramState: config.wechat.miniprogramState,
    })
    if (result.ok) return { kind: 'delivered' }
    if (result.refused) {
      await subscribeGrantsRepo.clear(db, m.userId, template.templateId, new Date())
      return { kind: 'skipped', reason: `refused: ${result.error}` }
    }
    return result.permanent ? { kind: 'dead', error: result.error } : { kind: 'retry', error: result.error }
  },
}
