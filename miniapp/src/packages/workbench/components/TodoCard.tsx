import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { api, CASE_STATUS_LABELS, type TodoList } from '@anju/shared'
import { call } from '../../../api'
import { EmptyState } from '../../../components/EmptyState'
import { LoadError } from '../../../components/LoadError'
import { Section } from '../../../components/Section'
import { SubscribePrompt } from '../../../components/SubscribePrompt'
import { usePageData } from '../../../hooks/load'
import { CASE_WORKBENCH_PAGES } from './CaseTools'
import './todo.scss'

const MINUTE = 60_000

/** "还剩 3小时12分" / "已超期 2天4小时": the SLA countdown for a deadline. */
export function countdown(dueAt: string, now: number): { text: string; overdue: boolean } {
  const left = Date.parse(dueAt) - now
  const minutes = Math.floor(Math.abs(left) / MINUTE)
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const span = days > 0 ? `${days}天${hours}小时` : hours > 0 ? `${hours}小时${minutes % 60}分` : `${minutes % 60}分钟`
  return left >= 0 ? { text: `还剩 ${span}`, overdue: false } : { text: `已超期 ${span}`, overdue: true }
}

/** A clock for countdowns, ticking every minute while the page is open. */
function useMinuteClock(): number {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), MINUTE)
    return () => clearInterval(timer)
  }, [])
  return now
}

/** 待办: counts of what is in hand, awaiting acceptance and overdue, and the cases by nearest deadline. */
export function TodoCard({ gridWorker }: { gridWorker: boolean }) {
  const now = useMinuteClock()
  const { data, error, reload } = usePageData<TodoList>(() => call(api.staffTodo))
  const counts = data?.counts
  const tiles = [
    { id: 'todo-assigned', label: gridWorker ? '派给我的' : '在办', value: counts?.assigned },
    ...(gridWorker ? [] : [{ id: 'todo-awaiting', label: '待受理', value: counts?.awaitingAcceptance }]),
    { id: 'todo-overdue', label: '已超期', value: counts?.overdue, alert: true },
  ]
  return (
    <Section title='待办'>
      <SubscribePrompt moment='workbench' text='开启微信提醒：新派单和超期督办会通知您' />
      {error && !data ? <LoadError message={error} onRetry={() => void reload()} /> : null}
      {!data && !error ? <Text className='muted wb-state'>加载中…</Text> : null}
      {data ? (
        <>
          <View className='todo-counts'>
            {tiles.map((t) => (
              <View key={t.id} id={t.id} className={t.alert && (t.value ?? 0) > 0 ? 'todo-count todo-count--alert' : 'todo-count'}>
                <Text className='todo-count__value'>{t.value ?? 0}</Text>
                <Text className='todo-count__label'>{t.label}</Text>
              </View>
            ))}
          </View>
          {data.items.length === 0 ? <EmptyState text='暂无待办' hint='分派给您的案件会按时限出现在这里' /> : null}
          {data.items.map((item) => {
            const due = countdown(item.dueAt, now)
            return (
              <View
                key={item.id}
                id={`todo-${item.id}`}
                className={`todo-item todo-item--${item.colour}`}
                hoverClass='todo-item--pressed'
                onClick={() => Taro.navigateTo({ url: CASE_WORKBENCH_PAGES.case(item.id) })}
              >
                <View className='todo-item__top'>
                  <Text className='todo-item__category'>{item.category.name}</Text>
                  <Text className='todo-item__status'>{CASE_STATUS_LABELS[item.status]}</Text>
                </View>
                <Text className='todo-item__address'>{`${item.number} · ${item.location.address}`}</Text>
                <Text className={due.overdue ? 'todo-item__due todo-item__due--overdue' : 'todo-item__due'}>
                  {`${item.dueKind === 'response' ? '受理' : '办结'}${due.text}`}
                </Text>
              </View>
            )
          })}
        </>
      ) : null}
    </Section>
  )
}
