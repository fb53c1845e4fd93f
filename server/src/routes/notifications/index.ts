import { AWAITING_RESPONSE_STATUSES, SUBSCRIBE_MOMENTS, MAX_TEMPLATES_PER_REQUEST, api, isStaffRole } from '@anju/shared'
import { errors } from '../../errors'
import { decodeCursor, encodeCursor } from '../../lib/keysetCursor'
import { caseTodoRepo } from '../../repositories/caseTodo'
import { notificationsRepo, subscribeGrantsRepo, type NotificationRow } from '../../repositories/notifications'
import { route, type AppRouter } from '../define'
import { caseViews } from '../cases/views'

function presentNotification(n: NotificationRow) {
  return {
    id: n.id, kind: n.kind, title: n.title, body: n.body, page: n.page, caseId: n.case_id, read: n.read_at !== null,
    createdAt: n.created_at.toISOString(),
  }
}

/** The in-app inbox, subscribe-message grants, and the workbench's 待办. */
export function notificationRoutes(router: AppRouter) {
  route(router, api.myNotifications, async (ctx, { actor, query }) => {
    const before = query.cursor ? decodeCursor(query.cursor) : undefined
    if (query.cursor && !before) throw errors.invalidField('cursor', '翻页参数有误')
    const { db } = ctx.services
    const rows = await notificationsRepo.pageOf(db, actor.id, { before, limit: query.limit })
    const page = rows.slice(0, query.limit)
    const last = page[page.length - 1]
    return {
      items: page.map(presentNotification),
      next: rows.length > query.limit && last ? encodeCursor({ createdAtMs: last.created_at.getTime(), id: last.id }) : null,
      unread: await notificationsRepo.unreadCount(db, actor.id),
    }
  })

  route(router, api.readNotification, async (ctx, { actor, params, transact }) =>
    transact(async (trx) => {
      if (!(await notificationsRepo.findOf(trx, actor.id, params.id))) throw errors.notFound()
      await notificationsRepo.markRead(trx, actor.id, params.id, new Date())
      return presentNotification((await notificationsRepo.findOf(trx, actor.id, params.id))!)
    }),
  )

  route(router, api.readAllNotifications, async (ctx, { actor, transact }) =>
    transact(async (trx) => {
      await notificationsRepo.markAllRead(trx, actor.id, new Date())
      return { unread: 0 }
    }),
  )

  route(router, api.subscribeTemplates, async (ctx, { query }) => {
    const templates = ctx.services.config.wechat.subscribeTemplates
    const ids = SUBSCRIBE_MOMENTS[query.moment].flatMap((kind) => (templates[kind] ? [templates[kind].templateId] : []))
    return { templateIds: [...new Set(ids)].slice(0, MAX_TEMPLATES_PER_REQUEST) }
  })

  route(router, api.recordSubscriptions, async (ctx, { actor, body, transact }) => {
    const configured = new Set(Object.values(ctx.services.config.wechat.subscribeTemplates).map((t) => t!.templateId))
    return transact(async (trx) => {
      const now = new Date()
      const granted: string[] = []
      for (const { templateId, choice } of body.results) {
        if (!configured.has(templateId)) continue
        if (choice === 'accept') {
          await subscribeGrantsRepo.add(trx, actor.id, templateId, now)
          granted.push(templateId)
        } else if (choice === 'ban') {
          await subscribeGrantsRepo.clear(trx, actor.id, templateId, now)
        }
      }
      return { granted }
    })
  })

  route(router, api.staffTodo, async (ctx, { actor }) => {
    if (!isStaffRole(actor.role) || !actor.region) throw errors.forbidden()
    const { db } = ctx.services
    const owner = actor.role === 'grid_worker' ? { kind: 'worker' as const, userId: actor.id } : { kind: 'region' as const, path: actor.region.path }
    const rows = await caseTodoRepo.nearestDeadlines(db, owner, 20)
    const views = await caseViews(db, actor, ctx.services.photoLinks, rows)
    return {
      counts: await caseTodoRepo.counts(db, owner),
      items: views.map((v, i) => {
        const awaiting = AWAITING_RESPONSE_STATUSES.includes(rows[i]!.status)
        return { ...v, dueKind: awaiting ? ('response' as const) : ('resolve' as const), dueAt: awaiting ? v.responseDueAt : v.resolveDueAt }
      }),
    }
  })
}
