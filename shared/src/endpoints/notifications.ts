import { endpoint } from '../endpoint'
import {
  NotificationIdParam, NotificationPage, NotificationQuery, NotificationView, SubscribeGrants, SubscribeResultInput,
  SubscribeTemplates, SubscribeTemplatesQuery, TodoList, UnreadCount,
} from '../schemas/notifications'

export const notificationsEndpoints = {
  myNotifications: endpoint({
    method: 'GET', path: '/api/my/notifications', tag: 'notifications', auth: true,
    summary: '我的通知（最新在前，按时间翻页）和未读数', query: NotificationQuery, response: NotificationPage,
  }),
  readNotification: endpoint({
    method: 'POST', path: '/api/my/notifications/:id/read', tag: 'notifications', auth: true,
    summary: '把一条通知标为已读', params: NotificationIdParam, response: NotificationView,
  }),
  readAllNotifications: endpoint({
    method: 'POST', path: '/api/my/notifications/read-all', tag: 'notifications', auth: true,
    summary: '全部标为已读', response: UnreadCount,
  }),
  subscribeTemplates: endpoint({
    method: 'GET', path: '/api/my/subscriptions/templates', tag: 'notifications', auth: true,
    summary: '此刻可请求订阅的消息模板（提交诉求后、兑换后、巡逻前、工作台）', query: SubscribeTemplatesQuery, response: SubscribeTemplates,
  }),
  recordSubscriptions: endpoint({
    method: 'POST', path: '/api/my/subscriptions', tag: 'notifications', auth: true,
    summary: '记录 wx.requestSubscribeMessage 的结果：每个“允许”可发送一条消息', body: SubscribeResultInput, response: SubscribeGrants,
  }),
  staffTodo: endpoint({
    method: 'GET', path: '/api/staff/todo', tag: 'notifications', auth: true,
    summary: '工作台待办：在办、待受理和超期的数量，以及按时限排序的案件', response: TodoList,
  }),
} as const
