import { Text, View } from '@tarojs/components'
import { EmptyState } from '../../components/EmptyState'
import { Screen } from '../../components/Screen'
import { Section } from '../../components/Section'
import { useRequireSession } from '../../hooks/session'
import './index.scss'

export default function PointsPage() {
  const session = useRequireSession()
  if (!session) return <Screen>{null}</Screen>
  return (
    <Screen>
      <View className='balance'>
        <Text className='balance__label'>当前积分</Text>
        <Text className='balance__value'>0</Text>
        <View className='balance__row'>
          <Text>待审核 0</Text>
          <Text>累计获得 0</Text>
        </View>
      </View>
      <Section title='积分明细'>
        <EmptyState text='暂无积分记录' hint='上报问题、参加巡逻经审核后可获得积分' />
      </Section>
    </Screen>
  )
}
