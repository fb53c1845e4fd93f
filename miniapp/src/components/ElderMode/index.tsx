import { useSyncExternalStore } from 'react'
import { Switch, Text, View } from '@tarojs/components'
import { isElderMode, setElderMode, subscribeElderMode } from './store'
import './index.scss'

export { ELDER_CLASS } from './store'

/** Whether 长辈模式 is on; re-renders when it is switched. */
export function useElderMode(): boolean {
  return useSyncExternalStore(subscribeElderMode, isElderMode, isElderMode)
}

/** The 长辈模式 row of 我的: a switch, remembered on this device. */
export function ElderModeSwitch() {
  const on = useElderMode()
  return (
    <View className='elder-switch'>
      <View className='elder-switch__text'>
        <Text className='elder-switch__label'>长辈模式</Text>
        <Text className='elder-switch__hint'>字更大，首页更简单</Text>
      </View>
      <Switch
        id='elder-mode'
        className='elder-switch__control'
        checked={on}
        color='#1677ff'
        onChange={(e) => setElderMode(e.detail.value)}
      />
    </View>
  )
}
