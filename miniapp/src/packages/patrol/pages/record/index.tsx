import { useEffect, useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { api, type PatrolView, type ResponseOf } from '@anju/shared'
import { call, errorMessage } from '../../../../api'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import { TrackMap } from '../../components/TrackMap'
import { awardText, formatDate, formatDistance, formatDuration } from '../../format'
import '../../patrol.scss'

/** One patrol: the judgement in Chinese with its reasons, the numbers, and the track on a map. */
export default function PatrolRecordPage() {
  const session = useRequireSession()
  const patrolId = Number(useRouter().params.id)
  const [patrol, setPatrol] = useState<PatrolView | null>(null)
  const [track, setTrack] = useState<ResponseOf<typeof api.patrolTrack> | null>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    if (!session || !patrolId) return
    Promise.all([call(api.patrol, { params: { id: patrolId } }), call(api.patrolTrack, { params: { id: patrolId } })])
      .then(([p, t]) => {
        setPatrol(p)
        setTrack(t)
      })
      .catch((err) => setError(errorMessage(err)))
  }, [session, patrolId])

  if (!session || !patrol) return <Screen>{error ? <Text className='notice notice--error'>{error}</Text> : null}</Screen>
  const j = patrol.judgement
  return (
    <Screen>
      <Section title={`${patrol.team.name} · ${patrol.route.name}`}>
        <Text className='patrol-row__meta'>{`${formatDate(patrol.startedAt)} 开始${patrol.autoClosed ? '（系统自动结束）' : ''}`}</Text>
        {j ? (
          <View id='patrol-judgement' className={j.valid ? 'judgement judgement--valid' : 'judgement judgement--invalid'}>
            <Text>{j.summary}</Text>
            {/* An invalid summary already lists its reasons; a valid one may carry notes (daily cap, auto close). */}
            {j.valid ? j.reasons.map((r) => <Text key={r.code} className='judgement__reason'>{r.message}</Text>) : null}
          </View>
        ) : (
          <Text className='notice'>巡逻进行中</Text>
        )}
        <View className='patrol-stats'>
          <View className='patrol-stats__item'>
            <Text className='patrol-stats__value'>{j ? formatDuration(j.durationS) : '—'}</Text>
            <Text className='patrol-stats__label'>时长</Text>
          </View>
          <View className='patrol-stats__item'>
            <Text className='patrol-stats__value'>{formatDistance(j?.distanceM ?? null)}</Text>
            <Text className='patrol-stats__label'>距离</Text>
          </View>
          <View className='patrol-stats__item'>
            <Text className='patrol-stats__value'>{`${patrol.checkpoints.filter((c) => c.done).length}/${patrol.checkpoints.length}`}</Text>
            <Text className='patrol-stats__label'>检查点</Text>
          </View>
        </View>
        <Text className='notice' id='patrol-award'>{`积分：${awardText(patrol)}`}</Text>
      </Section>
      <Section title='轨迹'>
        <TrackMap points={track?.points ?? []} checkpoints={patrol.checkpoints} />
      </Section>
    </Screen>
  )
}
