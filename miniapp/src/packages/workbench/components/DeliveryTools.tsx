import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { Role } from '@anju/shared'
import { Section } from '../../../components/Section'
import './workbench.scss'

export const DEAD_LETTERS_PAGE = '/packages/workbench/pages/dead-letters/index'

/** For administrators: messages that could not be delivered (grid platforms, WeChat, inbox), to replay. */
export function DeliveryTools({ role }: { role: Role }) {
  if (role !== 'admin') return null
  return (
    <Section title='对接与投递'>
      <View id='wb-dead-letters' className='wb-entry' hoverClass='wb-entry--pressed' onClick={() => Taro.navigateTo({ url: DEAD_LETTERS_PAGE })}>
        <View className='wb-entry__mark'>投</View>
        <View className='wb-entry__body'>
          <Text className='wb-entry__label'>投递失败的消息</Text>
          <Text className='wb-entry__hint'>外部网格平台、微信提醒未送达的消息，查看原因并重新投递</Text>
        </View>
        <Text className='wb-entry__arrow'>›</Text>
      </View>
    </Section>
  )
}
