import type { ReactNode } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { UserView } from '@anju/shared'
import { REPORT_PAGES } from '../../utils/reportRoutes'
import { PATROL_PAGES } from '../../utils/routes'
import { setElderMode } from '../ElderMode/store'
import { Screen } from '../Screen'
import './index.scss'

interface BigAction {
  key: string
  mark: string
  label: string
  hint: string
  open: () => void
}

// One task per row, the most common first; the tabs' own pages are here too, so nothing needs the small tab bar.
const BIG_ACTIONS: BigAction[] = [
  { key: 'complaint', mark: '诉', label: '我要投诉', hint: '邻里、物业、环境问题', open: () => Taro.navigateTo({ url: REPORT_PAGES.new('complaint') }) },
  { key: 'violation', mark: '举', label: '我要举报', hint: '违停、抛物、占道', open: () => Taro.navigateTo({ url: REPORT_PAGES.new('violation') }) },
  { key: 'hazard', mark: '隐', label: '隐患线索', hint: '安全、消防、治安', open: () => Taro.navigateTo({ url: REPORT_PAGES.new('hazard') }) },
  { key: 'cases', mark: '查', label: '我的诉求', hint: '看办理进度', open: () => Taro.switchTab({ url: '/pages/cases/index' }) },
  { key: 'points', mark: '分', label: '我的积分', hint: '积分和兑换礼品', open: () => Taro.switchTab({ url: '/pages/points/index' }) },
  { key: 'patrol', mark: '巡', label: '开始巡逻', hint: '志愿巡逻打卡', open: () => Taro.navigateTo({ url: PATROL_PAGES.start }) },
]

/** The home page in 长辈模式: a greeting, one big button per task, and the notices (`children`) below them. */
export function ElderHome({ user, children }: { user: UserView; children?: ReactNode }) {
  return (
    <Screen className='elder-home'>
      <View className='elder-home__greeting'>
        <Text className='elder-home__hello'>{`您好，${user.displayName}`}</Text>
        {user.region ? <Text className='elder-home__region'>{user.region.name}</Text> : null}
      </View>

      {BIG_ACTIONS.map((action) => (
        // A tile rather than <Button>: on h5 taro-button-core swallows clicks on its child elements.
        <View
          key={action.key}
          id={`elder-${action.key}`}
          className={`big-action big-action--${action.key}`}
          hoverClass='big-action--pressed'
          onClick={() => void action.open()}
        >
          <View className='big-action__mark'>{action.mark}</View>
          <View className='big-action__text'>
            <Text className='big-action__label'>{action.label}</Text>
            <Text className='big-action__hint'>{action.hint}</Text>
          </View>
          <Text className='big-action__arrow'>›</Text>
        </View>
      ))}

      {children}

      <View className='elder-home__leave' id='elder-leave' onClick={() => setElderMode(false)}>
        <Text>已开启长辈模式 · 点此换回标准版</Text>
      </View>
    </Screen>
  )
}
