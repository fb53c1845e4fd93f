import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Section } from '../../../components/Section'
import './workbench.scss'

export const CASE_WORKBENCH_PAGES = {
  inbox: '/packages/workbench/pages/cases/index',
  case: (id: number) => `/packages/workbench/pages/case/index?id=${id}`,
} as const

/** The workbench's entry to the case inbox (every staff-type role: grid workers see what is dispatched to them). */
export function CaseTools() {
  return (
    <Section title='案件办理'>
      <View id='wb-cases' className='wb-entry' hoverClass='wb-entry--pressed' onClick={() => Taro.navigateTo({ url: CASE_WORKBENCH_PAGES.inbox })}>
        <View className='wb-entry__mark'>案</View>
        <View className='wb-entry__body'>
          <Text className='wb-entry__label'>案件收件箱</Text>
          <Text className='wb-entry__hint'>受理、派单、处置、核查、上报，按状态、颜色和超期筛选</Text>
        </View>
        <Text className='wb-entry__arrow'>›</Text>
      </View>
    </Section>
  )
}
