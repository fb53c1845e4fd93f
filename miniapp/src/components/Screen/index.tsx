import type { ReactNode } from 'react'
import { View } from '@tarojs/components'
import { ELDER_CLASS, useElderMode } from '../ElderMode'
import { PrivacyDialog } from '../PrivacyDialog'
import './index.scss'

/**
 * The frame of every page: padding, background, the privacy prompt WeChat may raise on it, and the root
 * class that turns on 长辈模式's larger type.
 */
export function Screen({ children, className }: { children: ReactNode; className?: string }) {
  const elder = useElderMode()
  const classes = ['screen', className, elder ? ELDER_CLASS : null].filter(Boolean).join(' ')
  return (
    <View className={classes}>
      {children}
      <PrivacyDialog />
    </View>
  )
}
