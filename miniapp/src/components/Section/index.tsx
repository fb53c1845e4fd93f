import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import './index.scss'

/** A white card with an optional title row. */
export function Section({ title, extra, children, className }: {
  title?: string
  extra?: ReactNode
  children: ReactNode
  className?: string
}) {
  return (
    <View className={className ? `section ${className}` : 'section'}>
      {title ? (
        <View className='section__header'>
          <Text className='section__title'>{title}</Text>
          {extra}
        </View>
      ) : null}
      {children}
    </View>
  )
}
