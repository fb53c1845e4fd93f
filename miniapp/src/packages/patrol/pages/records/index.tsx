import { useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { api, type PatrolSummary } from '@anju/shared'
import { call, errorMessage } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import { awardText, formatDate, formatDistance, formatDuration, RECORD_PAGE } from '../../format'
import '../../patrol.scss'

/** 巡逻记录: each patrol with duration, distance, checkpoints, judgement and points. */
export default function PatrolRecordsPage() {
  const session = useRequireSession()
  const [items, setItems] = useState<PatrolSummary[] | null>(null)
  const [error, setError] = useState('')
  useDidShow(() => {
    if (!session) return
    call(api.myPatrols, { query: { limit: 50 } })
      .then((page) => setItems(page.items))
      .catch((err) => setError(errorMessage(err)))
  })
  if (!session) return <Screen>{null}</Screen>
  return (
    <Screen>
      {error ? <Text className='notice notice--error'>{error}</Text> : null}
      <Section title='我的巡逻'>
        {items && !items.length ? <EmptyState text='还没有巡逻记录' /> : null}
        {(items ?? []).map((p) => (
          <View key={p.id} className='patrol-row patrol-record' onClick={() => Taro.navigateTo({ url: `${RECORD_PAGE}?id=${p.id}` })}>
            <View className='patrol-row__main'>
              <Text className='patrol-row__title'>{`${formatDate(p.startedAt)} · ${p.route.name}`}</Text>
              <Text className='patrol-row__meta'>
                {`${p.durationS == null ? '进行中' : formatDuration(p.durationS)} · ${formatDistance(p.distanceM)} · 检查点 ${p.checkpointsDone}/${p.checkpointsTotal} · ${awardText(p)}`}
              </Text>
              {p.summary ? <Text className={p.valid ? 'judgement judgement--valid' : 'judgement judgement--invalid'}>{p.summary}</Text> : null}
            </View>
          </View>
        ))}
      </Section>
    </Screen>
  )
}
