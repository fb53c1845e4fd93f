import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { api } from '@anju/shared'
import { call } from '../../../../api'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { usePageData } from '../../../../hooks/load'
import { useRequireSession } from '../../../../hooks/session'
import { TrackMap } from '../../components/TrackMap'
import { awardText, formatDate, formatDistance, formatDuration } from '../../format'
import '../../patrol.scss'

/** One patrol: the judgement in Chinese with its reasons, the numbers, and the track on a map. */
export default function PatrolRecordPage() {
  const session = useRequireSession()
  const patrolId = Number(useRouter().params.id)
  const { data, error, reload } = usePageData(async () => {
    if (!Number.isInteger(patrolId) || patrolId <= 0) throw new Error('巡逻编号有误')
    const [patrol, track] = await Promise.all([call(api.patrol, { params: { id: patrolId } }), call(api.patrolTrack, { params: { id: patrolId } })])
    return { patrol, track }
  })

  if (!session) return <Screen>{null}</Screen>
  if (!data) {
    return <Screen>{error ? <LoadError message={error} onRetry={() => void reload()} /> : <Text className='notice'>加载中…</Text>}</Screen>
  }
  const { patrol, track } = data
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
        <TrackMap points={track.points} checkpoints={patrol.checkpoints} />
      </Section>
    </Screen>
  )
}
