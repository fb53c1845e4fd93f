import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { api, type SubscribeMoment } from '@anju/shared'
import { call } from '../../api'
import { platform } from '../../platform'
import './index.scss'

/**
 * Asks for WeChat subscribe messages at a moment WeChat allows (the user taps): the templates configured for
 * `moment` are requested, and what the user allowed is recorded on the server, one message per "allow".
 * Shows nothing where no template is configured (and so nothing on a server without WeChat).
 */
export function SubscribePrompt({ moment, text }: { moment: SubscribeMoment; text: string }) {
  const [templateIds, setTemplateIds] = useState<string[]>([])
  const [done, setDone] = useState(false)

  useEffect(() => {
    call(api.subscribeTemplates, { query: { moment } }).then((r) => setTemplateIds(r.templateIds), () => setTemplateIds([]))
  }, [moment])

  async function ask() {
    // First thing in the tap: WeChat shows the prompt only in direct answer to one.
    const choices = await platform.requestSubscribe(templateIds)
    const results = Object.entries(choices).map(([templateId, choice]) => ({ templateId, choice }))
    setDone(true)
    if (results.length === 0) {
      Taro.showToast({ title: '未开启微信提醒，可在通知中查看进展', icon: 'none' })
      return
    }
    try {
      const { granted } = await call(api.recordSubscriptions, { body: { results } })
      Taro.showToast({ title: granted.length > 0 ? '已开启微信提醒' : '未开启微信提醒', icon: 'none' })
    } catch {
      Taro.showToast({ title: '提醒设置未保存，请稍后再试', icon: 'none' })
    }
  }

  if (templateIds.length === 0 || done) return null
  return (
    <View className='subscribe-prompt'>
      <Text className='subscribe-prompt__text'>{text}</Text>
      <Button id={`subscribe-${moment}`} className='subscribe-prompt__button' size='mini' onClick={() => void ask()}>
        开启提醒
      </Button>
    </View>
  )
}
