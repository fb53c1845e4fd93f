import { useCallback, useEffect, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { Picker, Switch, Text, View } from '@tarojs/components'
import { api, CASE_COLOUR_LABELS, CASE_STATUS_LABELS, type CaseColour, type CaseStatus, type CaseView } from '@anju/shared'
import { call, errorMessage } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { CaseCard } from '../../../../components/CaseCard'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import { CASE_WORKBENCH_PAGES } from '../../components/CaseTools'
import '../../components/cases.scss'

const STATUS_FILTERS: (CaseStatus | null)[] = [null, 'submitted', 'accepted', 'dispatched', 'in_progress', 'resolved', 'verified', 'escalated', 'reopened', 'closed', 'rejected']
const COLOUR_FILTERS: (CaseColour | null)[] = [null, 'red', 'yellow', 'green']

/** The inbox: cases in the account's region (and, for a grid worker, those dispatched to them). */
export default function CaseInboxPage() {
  const session = useRequireSession()
  const [status, setStatus] = useState<CaseStatus | null>(null)
  const [colour, setColour] = useState<CaseColour | null>(null)
  const [overdue, setOverdue] = useState(false)
  const [items, setItems] = useState<CaseView[] | null>(null)
  const [next, setNext] = useState<string | null>(null)
  const [error, setError] = useState('')

  const load = useCallback(async (cursor?: string) => {
    setError('')
    try {
      const query = {
        ...(status ? { status } : {}), ...(colour ? { colour } : {}), ...(overdue ? { overdue: 'true' as const } : {}),
        ...(cursor ? { cursor } : {}),
      }
      const page = await call(api.staffCases, { query })
      setItems((prev) => (cursor && prev ? [...prev, ...page.items] : page.items))
      setNext(page.next)
    } catch (err) {
      setError(errorMessage(err))
    }
  }, [status, colour, overdue])

  // Again whenever a filter changes, and on coming back from a case.
  useEffect(() => {
    void load()
  }, [load])
  useDidShow(() => {
    void load()
  })
  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh())
  })
  useReachBottom(() => {
    if (next) void load(next)
  })

  if (!session) return <Screen>{null}</Screen>
  return (
    <Screen>
      <Section title='筛选'>
        <View className='wb-case__row'>
          <Picker mode='selector' range={STATUS_FILTERS.map((s) => (s ? CASE_STATUS_LABELS[s] : '全部状态'))} onChange={(e) => { setStatus(STATUS_FILTERS[Number(e.detail.value)] ?? null); setItems(null) }}>
            <View className='field__input' id='wb-filter-status'><Text>{status ? CASE_STATUS_LABELS[status] : '全部状态'}</Text></View>
          </Picker>
          <Picker mode='selector' range={COLOUR_FILTERS.map((c) => (c ? `${CASE_COLOUR_LABELS[c]}预警` : '全部颜色'))} onChange={(e) => { setColour(COLOUR_FILTERS[Number(e.detail.value)] ?? null); setItems(null) }}>
            <View className='field__input' id='wb-filter-colour'><Text>{colour ? `${CASE_COLOUR_LABELS[colour]}预警` : '全部颜色'}</Text></View>
          </Picker>
        </View>
        <View className='wb-case__switch'>
          <Text>只看超期</Text>
          <Switch checked={overdue} onChange={(e) => { setOverdue(e.detail.value); setItems(null) }} />
        </View>
        <Text className='muted' onClick={() => void load()}>刷新</Text>
      </Section>
      {error ? <Text className='form-error'>{error}</Text> : null}
      {items && items.length === 0 ? <EmptyState text='没有符合条件的案件' /> : null}
      {(items ?? []).map((item) => (
        <CaseCard key={item.id} item={item} showDeadline onClick={() => Taro.navigateTo({ url: CASE_WORKBENCH_PAGES.case(item.id) })} />
      ))}
    </Screen>
  )
}
