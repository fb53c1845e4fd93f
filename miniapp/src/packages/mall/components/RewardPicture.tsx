import { Image, Text, View } from '@tarojs/components'
import type { RewardView } from '@anju/shared'
import './RewardPicture.scss'

/**
 * A reward's picture at a fixed size, cropped to fill it (`thumb` in the list, `banner` on the detail page); a
 * plain grey box of the same size when staff gave the reward none.
 */
export function RewardPicture({ reward, size }: { reward: RewardView; size: 'thumb' | 'banner' }) {
  if (!reward.imageUrl) {
    return (
      <View className={`reward-picture reward-picture--${size} reward-picture--none`}>
        <Text>暂无图片</Text>
      </View>
    )
  }
  return <Image className={`reward-picture reward-picture--${size}`} src={reward.imageUrl} mode='aspectFill' />
}
