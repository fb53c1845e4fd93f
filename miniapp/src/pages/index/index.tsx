import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { ElderHome } from '../../components/ElderHome'
import { useElderMode } from '../../components/ElderMode'
import { api, type NotificationView } from '@anju/shared'
import { call, errorMessage } from '../../api'
import { EmptyState } from '../../components/EmptyState'
import { LoadError } from '../../components/LoadError'
import { NoticeList, openNoticePage, showUnreadBadge } from '../../components/NoticeList'
import { Screen } from '../../components/Screen'
import { Section } from '../../components/Section'
import { usePageData } from '../../hooks/load'
import { useFreshUser, useRequireSession } from '../../hooks/session'
import { REPORT_PAGES } from '../../utils/reportRoutes'
import './index.scss'

const QUICK_ACTIONS = [
  { key: 'complaint', mark: '诉', label: '我要投诉', hint: '邻里、物业、环境' },
  { key: 'violation', mark: '举', label: '我要举报', hint: '违停、抛物、占道' },
  { key: 'hazard', mark: '隐', label: '隐患线索', hint: '安全、消防、治安' },
  { key: 'patrol', mark: '巡', label: '开始巡逻', hint: '志愿巡逻打卡' },
] as const

const PATROL_START_PAGE = '/packages/patrol/pages/start/index'
const NOTICES_SHOWN = 5

/** The newest notices with the unread count (badged on the tab); 更多 pages on by time, 全部已读 clears the badge. */
function Notices() {
  const [more, setMore] = useState<{ items: NotificationView[]; next: string | null } | null>(null)
  const { data, loading, error, reload } = usePageData(async () => {
    const page = await call(api.myNotifications, { query: { limit: NOTICES_SHOWN } })
    setMore(null)
    showUnreadBadge(page.unread)
    return page
  })

  async function open(n: NotificationView) {
    openNoticePage(n)
    if (n.read) return
    await call(api.readNotification, { params: { id: n.id } }).catch(() => undefined)
    void reload()
  }
  async function readAll() {
    try {
      await call(api.readAllNotifications)
      void reload()
    } catch (err) {
      Taro.showToast({ title: errorMessage(err), icon: 'none' })
    }
  }
  async function loadMore() {
    const cursor = more?.next ?? data?.next
    if (!cursor) return
    try {
      const page = await call(api.myNotifications, { query: { limit: 10, cursor } })
      setMore({ items: [...(more?.items ?? []), ...page.items], next: page.next })
    } catch (err) {
      Taro.showToast({ title: errorMessage(err), icon: 'none' })
    }
  }

  if (error && !data) return <LoadError message={error} onRetry={() => void reload()} />
  const items = [...(data?.items ?? []), ...(more?.items ?? [])]
  const next = more ? more.next : (data?.next ?? null)
  const unread = data?.unread ?? 0
  return (
    <Section
      title='通知'
      extra={unread > 0 ? <Text id='notices-unread' className='home__unread'>{`${unread} 条未读`}</Text> : undefined}
    >
      {!data && loading ? <Text className='muted state-text'>加载中…</Text> : null}
      {data && items.length === 0 ? <EmptyState text='暂无通知' hint='诉求进展和积分到账会在这里提醒您' /> : null}
      {items.length > 0 ? <NoticeList items={items} onOpen={(n) => void open(n)} /> : null}
      {items.length > 0 && (next || unread > 0) ? (
        <View className='inbox-actions'>
          {next ? <Text id='notices-more' className='inbox-link' onClick={() => void loadMore()}>更多</Text> : null}
          {unread > 0 ? <Text id='notices-read-all' className='inbox-link' onClick={() => void readAll()}>全部已读</Text> : null}
        </View>
      ) : null}
    </Section>
  )
}

export default function HomePage() {
  const session = useRequireSession()
  useFreshUser()
  const elder = useElderMode()
  if (!session) return <Screen>{null}</Screen>
  const { user } = session
  if (elder) return <ElderHome user={user}><Notices /></ElderHome>

  return (
    <Screen className='home'>
      <View className='home__greeting'>
        <Text className='home__hello'>{`你好，${user.displayName}`}</Text>
        <Text className='home__region'>{user.region ? user.region.name : '一起守护身边的平安'}</Text>
        <Text id='safety-index-link' className='home__region' onClick={() => Taro.navigateTo({ url: '/packages/safety/pages/index/index' })}>查看本地平安指数 ›</Text>
      </View>

      <View className='home__actions'>
        {QUICK_ACTIONS.map((action) => (
          // A tile rather than <Button>: on h5 taro-button-core swallows clicks on its child elements.
          <View
            key={action.key}
            className={`quick-action quick-action--${action.key}`}
            hoverClass='quick-action--pressed'
            onClick={action.key === 'patrol' ? () => Taro.navigateTo({ url: PATROL_START_PAGE }) : () => Taro.navigateTo({ url: REPORT_PAGES.new(action.key) })}
          >
            <View className='quick-action__mark'>{action.mark}</View>
            <Text className='quick-action__label'>{action.label}</Text>
            <Text className='quick-action__hint'>{action.hint}</Text>
          </View>
        ))}
      </View>

      <Notices />
    </Screen>
  )
}
