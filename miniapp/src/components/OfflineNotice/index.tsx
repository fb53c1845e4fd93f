import { useSyncExternalStore } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { abandonNavigation, failedNavigation, retryNavigation, subscribeFailedNavigation } from './store'
import './index.scss'

export { watchNavigationFailures } from './store'

/**
 * h5 only: the page the user tapped could not be fetched. Says so, with 重试; it also retries by itself when
 * the browser comes back online (see store.ts).
 */
export function OfflineNotice() {
  const failed = useSyncExternalStore(subscribeFailedNavigation, failedNavigation, failedNavigation)
  if (!failed) return null
  return (
    <View className='offline' id='offline-notice'>
      <View className='offline__card'>
        <View className='offline__mark'>!</View>
        <Text className='offline__title'>{failed.offline ? '网络未连接' : '页面没能打开'}</Text>
        <Text className='offline__hint'>
          {failed.offline ? '请检查手机网络，联网后会自动重新打开' : '网络不太稳定，请稍后重试'}
        </Text>
        <Button id='offline-retry' className='btn btn--primary offline__button' onClick={retryNavigation}>
          重试
        </Button>
        <Button id='offline-back' className='btn btn--plain offline__button' onClick={abandonNavigation}>
          返回
        </Button>
      </View>
    </View>
  )
}
