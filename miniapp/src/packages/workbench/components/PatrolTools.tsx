import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { Role } from '@anju/shared'
import { Section } from '../../../components/Section'
import { isReviewerRole } from '../reviewer'
import './workbench.scss'

export const PATROL_WORKBENCH_PAGE = '/packages/workbench/pages/patrols/index'

/** The workbench's entry to patrol teams: applications, QR codes, review and coverage. */
export function PatrolTools({ role }: { role: Role }) {
  if (!isReviewerRole(role)) return null
  return (
    <Section title='志愿巡逻'>
      <View id='wb-patrols' className='wb-entry' hoverClass='wb-entry--pressed' onClick={() => Taro.navigateTo({ url: PATROL_WORKBENCH_PAGE })}>
        <View className='wb-entry__mark'>巡</View>
        <View className='wb-entry__body'>
          <Text className='wb-entry__label'>巡逻管理</Text>
          <Text className='wb-entry__hint'>入队审核、检查点二维码、巡逻审核与覆盖情况</Text>
        </View>
        <Text className='wb-entry__arrow'>›</Text>
      </View>
    </Section>
  )
}
