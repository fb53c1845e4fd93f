import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { ElderHome } from '../../components/ElderHome'
import { useElderMode } from '../../components/ElderMode'
import { EmptyState } from '../../components/EmptyState'
import { Screen } from '../../components/Screen'
import { Section } from '../../components/Section'
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

export default function HomePage() {
  const session = useRequireSession()
  useFreshUser()
  const elder = useElderMode()
  if (!session) return <Screen>{null}</Screen>
  const { user } = session
  if (elder) return <ElderHome user={user} />

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

      <Section title='通知'>
        <EmptyState text='暂无通知' hint='诉求进展和积分到账会在这里提醒您' />
      </Section>
    </Screen>
  )
}
