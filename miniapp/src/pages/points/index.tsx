import { useCallback, useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { AWARD_KIND_LABELS, api, type PointsEntry, type PointsSummary } from '@anju/shared'
import { call, errorMessage } from '../../api'
import { EmptyState } from '../../components/EmptyState'
import { Screen } from '../../components/Screen'
import { Section } from '../../components/Section'
import { useRequireSession } from '../../hooks/session'
import { platform } from '../../platform'
import { formatDate, formatDateTime, signedPoints } from '../../utils/format'
import { MALL_PAGES, sourcePageOf } from '../../utils/routes'
import './index.scss'

const PAGE_SIZE = 20

interface Ledger {
  summary: PointsSummary
  entries: PointsEntry[]
  next: string | null
}

/** The points tab's ways into the mall sub-package. */
const SHORTCUTS = [
  { id: 'mall-entry', label: '积分商城', hint: '用积分兑换礼品', url: MALL_PAGES.list },
  { id: 'redemptions-entry', label: '我的兑换', hint: '领取码与领取状态', url: MALL_PAGES.redemptions },
  { id: 'guide-entry', label: '积分攻略', hint: '怎样获得积分、上限多少', url: MALL_PAGES.guide },
]

export default function PointsPage() {
  const session = useRequireSession()
  const [ledger, setLedger] = useState<Ledger | null>(null)
  const [loading, setLoading] = useState(false)
  const [loadingMore, setLoadingMore] = useState(false)
  const [error, setError] = useState('')
  const [moreError, setMoreError] = useState('')
  // A newer reload makes older answers (a slow first load, an in-flight "more") stale.
  const generation = useRef(0)

  const reload = useCallback(async () => {
    const mine = ++generation.current
    setLoading(true)
    setError('')
    setMoreError('')
    try {
      const [summary, page] = await Promise.all([
        call(api.pointsSummary),
        call(api.pointsEntries, { query: { limit: PAGE_SIZE } }),
      ])
      if (mine !== generation.current) return
      setLedger({ summary, entries: page.items, next: page.next })
    } catch (err) {
      if (mine === generation.current) setError(errorMessage(err))
    } finally {
      if (mine === generation.current) setLoading(false)
    }
  }, [])

  const loadMore = useCallback(async () => {
    if (!ledger?.next || loadingMore || loading) return
    const mine = generation.current
    setLoadingMore(true)
    setMoreError('')
    try {
      const page = await call(api.pointsEntries, { query: { cursor: ledger.next, limit: PAGE_SIZE } })
      if (mine !== generation.current) return
      setLedger((prev) => (prev ? { ...prev, entries: [...prev.entries, ...page.items], next: page.next } : prev))
    } catch (err) {
      if (mine === generation.current) setMoreError(errorMessage(err))
    } finally {
      setLoadingMore(false)
    }
  }, [ledger, loading, loadingMore])

  // A tab page stays alive: re-read on every show, so a redemption made in the mall shows at once.
  useDidShow(() => {
    if (session) void reload()
  })
  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh())
  })
  useReachBottom(() => {
    void loadMore()
  })

  if (!session) return <Screen>{null}</Screen>

  const summary = ledger?.summary
  return (
    <Screen className='points'>
      <View className='balance' id='points-balance-card'>
        <Text className='balance__label'>当前积分</Text>
        <Text className='balance__value' id='points-balance'>
          {summary ? summary.balance : loading ? '…' : '—'}
        </Text>
        <View className='balance__row'>
          <Text id='points-pending'>{`待审核 ${summary?.pending ?? 0}`}</Text>
          <Text id='points-lifetime'>{`累计获得 ${summary?.lifetimeEarned ?? 0}`}</Text>
        </View>
        {summary && summary.debt > 0 ? (
          <Text className='balance__notice' id='points-debt'>
            {`待抵扣 ${summary.debt} 积分：已撤回的奖励将从之后获得的积分中扣除`}
          </Text>
        ) : null}
        {summary?.expiringSoon ? (
          <Text className='balance__notice' id='points-expiring'>
            {`${summary.expiringSoon.points} 积分将于 ${formatDate(summary.expiringSoon.before)} 前过期，请尽快兑换`}
          </Text>
        ) : null}
      </View>

      <View className='points__shortcuts'>
        {SHORTCUTS.map((shortcut) => (
          <View
            key={shortcut.id}
            id={shortcut.id}
            className='shortcut'
            hoverClass='shortcut--pressed'
            onClick={() => Taro.navigateTo({ url: shortcut.url })}
          >
            <Text className='shortcut__label'>{shortcut.label}</Text>
            <Text className='shortcut__hint'>{shortcut.hint}</Text>
          </View>
        ))}
      </View>

      {error ? (
        <Section>
          <View className='points__error'>
            <Text className='form-error'>{error}</Text>
            <Button className='btn btn--plain' onClick={() => void reload()}>
              重新加载
            </Button>
          </View>
        </Section>
      ) : null}

      {summary && summary.pendingAwards.length > 0 ? (
        <Section title='待审核' className='points__pending'>
          {summary.pendingAwards.map((award) => (
            <View key={award.id} className='ledger-row'>
              <View className='ledger-row__main'>
                <Text className='ledger-row__reason'>{award.reason || AWARD_KIND_LABELS[award.kind]}</Text>
                <Text className='ledger-row__time'>{`${formatDateTime(award.createdAt)} · 工作人员审核后到账`}</Text>
              </View>
              <Text className='ledger-row__amount ledger-row__amount--pending'>{`+${award.points}`}</Text>
            </View>
          ))}
        </Section>
      ) : null}

      <Section title='积分明细' className='points__entries'>
        {!ledger ? (
          loading ? <Text className='muted points__loading'>加载中…</Text> : null
        ) : ledger.entries.length === 0 ? (
          <EmptyState text='暂无积分记录' hint='上报问题、参加巡逻经审核后可获得积分' />
        ) : (
          <View>
            {ledger.entries.map((entry) => (
              <EntryRow key={`${entry.transactionId}:${entry.kind}`} entry={entry} />
            ))}
            {ledger.next ? (
              <View className='points__more'>
                {moreError ? <Text className='form-error'>{moreError}</Text> : null}
                <Button
                  id='points-more'
                  className='btn btn--plain'
                  loading={loadingMore || undefined}
                  disabled={loadingMore || undefined}
                  onClick={() => void loadMore()}
                >
                  加载更多
                </Button>
              </View>
            ) : (
              <Text className='muted points__end'>没有更多了</Text>
            )}
          </View>
        )}
      </Section>
    </Screen>
  )
}

function EntryRow({ entry }: { entry: PointsEntry }) {
  const target = sourcePageOf(entry.source)
  const linked = target !== null && platform.hasPage(target)
  return (
    <View
      className={linked ? 'ledger-row ledger-row--linked' : 'ledger-row'}
      hoverClass={linked ? 'ledger-row--pressed' : 'none'}
      onClick={linked ? () => Taro.navigateTo({ url: target }) : undefined}
    >
      <View className='ledger-row__main'>
        <Text className='ledger-row__reason'>{entry.reason}</Text>
        <Text className='ledger-row__time'>{formatDateTime(entry.createdAt)}</Text>
      </View>
      <Text className={`ledger-row__amount ${entry.amount >= 0 ? 'ledger-row__amount--in' : 'ledger-row__amount--out'}`}>
        {signedPoints(entry.amount)}
      </Text>
      {linked ? <Text className='ledger-row__arrow'>›</Text> : null}
    </View>
  )
}
