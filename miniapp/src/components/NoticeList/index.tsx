import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { NotificationView } from '@anju/shared'
import { platform } from '../../platform'
import { formatDateTime } from '../../utils/format'
import './index.scss'

/** Shows the unread count on the 首页 tab (cleared at zero). */
export function showUnreadBadge(unread: number) {
  const done = () => undefined
  if (unread > 0) Taro.setTabBarBadge({ index: 0, text: unread > 99 ? '99+' : String(unread) }).catch(done)
  else Taro.removeTabBarBadge({ index: 0 }).catch(done)
}

/** Notices, newest first: a dot on the unread ones; a tap opens what the notice is about. */
export function NoticeList({ items, onOpen }: { items: NotificationView[]; onOpen: (n: NotificationView) => void }) {
  return (
    <View className='inbox-notices'>
      {items.map((n) => (
        <View key={n.id} id={`notice-${n.id}`} className={n.read ? 'inbox-notice' : 'inbox-notice inbox-notice--unread'} hoverClass='inbox-notice--pressed' onClick={() => onOpen(n)}>
          <View className='inbox-notice__top'>
            {n.read ? null : <View className='inbox-notice__dot' />}
            <Text className='inbox-notice__title'>{n.title}</Text>
            <Text className='inbox-notice__time'>{formatDateTime(n.createdAt).slice(5)}</Text>
          </View>
          <Text className='inbox-notice__body'>{n.body}</Text>
        </View>
      ))}
    </View>
  )
}

/** Opens a notice's page when this build has it. */
export function openNoticePage(n: NotificationView) {
  if (n.page && platform.hasPage(n.page)) void Taro.navigateTo({ url: n.page })
}
