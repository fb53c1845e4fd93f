import Taro, { useRouter } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { Screen } from '../../components/Screen'
import { HOME_PAGE } from '../../hooks/session'
import './index.scss'

/**
 * Where an address that names no page of the app lands (an old link, a mistyped address, a retired page):
 * says so in plain words and offers a way home, instead of a blank screen. See notFound.ts.
 */
export default function NotFoundPage() {
  const { params } = useRouter()
  const path = params.path ? decodeURIComponent(params.path) : ''
  // A page to go back to, when the user came from inside the app.
  const canGoBack = Taro.getCurrentPages().length > 1

  return (
    <Screen className='not-found'>
      <View className='not-found__card'>
        <Text className='not-found__code'>404</Text>
        <Text className='not-found__title' id='not-found-title'>页面不存在</Text>
        <Text className='not-found__hint'>您要打开的页面不存在或已下线。</Text>
        {path ? <Text className='not-found__path' id='not-found-path'>{path}</Text> : null}
        <Button id='not-found-home' className='btn btn--primary not-found__button' onClick={() => void Taro.switchTab({ url: HOME_PAGE })}>
          返回首页
        </Button>
        {canGoBack ? (
          <Button id='not-found-back' className='btn btn--plain not-found__button' onClick={() => void Taro.navigateBack()}>
            返回上一页
          </Button>
        ) : null}
      </View>
    </Screen>
  )
}
