import { useEffect, useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { api, type ResponseOf } from '@anju/shared'
import { call, errorMessage } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import '../../patrol.scss'

/** The team's month: valid patrols, hours and checkpoints per volunteer. */
export default function PatrolRankingPage() {
  const session = useRequireSession()
  const teamId = Number(useRouter().params.teamId)
  const [ranking, setRanking] = useState<ResponseOf<typeof api.patrolRanking> | null>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    if (!session || !teamId) return
    call(api.patrolRanking, { params: { id: teamId }, query: {} }).then(setRanking).catch((err) => setError(errorMessage(err)))
  }, [session, teamId])
  if (!session) return <Screen>{null}</Screen>
  return (
    <Screen>
      {error ? <Text className='notice notice--error'>{error}</Text> : null}
      <Section title={ranking ? `${ranking.month} 巡逻排行` : '巡逻排行'}>
        {ranking && !ranking.items.length ? <EmptyState text='本月还没有有效巡逻' /> : null}
        {(ranking?.items ?? []).map((r) => (
          <View key={r.volunteer.id} className='patrol-row'>
            <View className='patrol-row__main'>
              <Text className='patrol-row__title'>{`${r.rank}. ${r.volunteer.displayName}`}</Text>
              <Text className='patrol-row__meta'>{`${r.patrols} 次 · ${r.hours} 小时 · ${r.checkpoints} 个检查点`}</Text>
            </View>
          </View>
        ))}
      </Section>
    </Screen>
  )
}
