import type { ReactNode } from 'react'
import { View } from '@tarojs/components'
import { PrivacyDialog } from '../PrivacyDialog'
import './index.scss'

/** The frame of every page: padding, background, and the privacy prompt WeChat may raise on it. */
export function Screen({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <View className={className ? `screen ${className}` : 'screen'}>
      {children}
      <PrivacyDialog />
    </View>
  )
}
