import { Text, View } from '@tarojs/components'
import './index.scss'

/** What a list shows before it has anything in it. */
export function EmptyState({ text, hint }: { text: string; hint?: string }) {
  return (
    <View className='empty-state'>
      <View className='empty-state__mark' />
      <Text className='empty-state__text'>{text}</Text>
      {hint ? <Text className='empty-state__hint'>{hint}</Text> : null}
    </View>
  )
}
