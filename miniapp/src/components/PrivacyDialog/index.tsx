import { useSyncExternalStore } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { platform } from '../../platform'
import { answerPrivacyConsent, isPrivacyConsentPending, subscribePrivacyConsent } from './consent'
import './index.scss'

const AGREE_BUTTON_ID = 'anju-privacy-agree'

export function PrivacyDialog() {
  const open = useSyncExternalStore(subscribePrivacyConsent, isPrivacyConsentPending, isPrivacyConsentPending)
  if (!open) return null
  return (
    <View className='privacy-mask'>
      <View className='privacy-dialog'>
        <Text className='privacy-dialog__title'>隐私保护提示</Text>
        <View className='privacy-dialog__body'>
          <Text>定位、拍照上传和扫码打卡会用到您的个人信息。使用前请阅读</Text>
          <Text className='privacy-dialog__link' onClick={() => platform.openPrivacyContract()}>
            《安居隐私保护指引》
          </Text>
          <Text>，我们只在您使用相关功能时收集必要的信息。</Text>
        </View>
        <View className='privacy-dialog__actions'>
          <Button className='btn btn--plain privacy-dialog__button' onClick={() => answerPrivacyConsent({ event: 'disagree' })}>
            不同意
          </Button>
          <Button
            id={AGREE_BUTTON_ID}
            className='btn btn--primary privacy-dialog__button'
            openType='agreePrivacyAuthorization'
            onAgreePrivacyAuthorization={() => answerPrivacyConsent({ event: 'agree', buttonId: AGREE_BUTTON_ID })}
          >
            同意并继续
          </Button>
        </View>
      </View>
    </View>
  )
}
