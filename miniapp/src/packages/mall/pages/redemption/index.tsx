import { useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Button, Image, Text, View } from '@tarojs/components'
import { api, type RedemptionView } from '@anju/shared'
import { call, errorMessage } from '../../../../api'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { SubscribePrompt } from '../../../../components/SubscribePrompt'
import { usePageData } from '../../../../hooks/load'
import { useRequireSession } from '../../../../hooks/session'
import { formatDateTime } from '../../../../utils/format'
import { StatusChip } from '../../../../components/RedemptionStatus'
import '../../components/mall.scss'
import './index.scss'

const CLOSED_NOTES: Partial<Record<RedemptionView['status'], string>> = {
  fulfilled: '礼品已领取，感谢您为社区平安出力。',
  cancelled: '兑换已取消，积分已退回。',
  expired: '领取码已过期，积分已退回。',
}

export default function RedemptionPage() {
  const session = useRequireSession()
  const { params } = useRouter()
  const id = params.id ?? ''
  const [cancelling, setCancelling] = useState(false)
  // Re-read on every show: staff may have just fulfilled it at the counter.
  const { data: redemption, error, reload } = usePageData(() => call(api.redemption, { params: { id } }))

  async function cancel() {
    if (!redemption || cancelling) return
    const { confirm } = await Taro.showModal({
      title: '取消兑换',
      content: `确定取消兑换「${redemption.reward.title}」吗？${redemption.points} 积分将退回您的账户。`,
      confirmText: '取消兑换',
      cancelText: '再想想',
      confirmColor: '#f53f3f',
    })
    if (!confirm) return
    setCancelling(true)
    try {
      await call(api.cancelRedemption, { params: { id: redemption.id } })
      void reload()
      Taro.showToast({ title: '已取消，积分已退回', icon: 'none' })
    } catch (err) {
      Taro.showModal({ title: '取消未成功', content: errorMessage(err), showCancel: false, confirmColor: '#1677ff' })
      void reload()
    } finally {
      setCancelling(false)
    }
  }

  if (!session) return <Screen>{null}</Screen>
  if (!redemption) {
    return (
      <Screen>
        {error ? (
          <LoadError message={error} onRetry={() => void reload()} />
        ) : (
          <Text className='muted state-text'>加载中…</Text>
        )}
      </Screen>
    )
  }

  const closedNote = CLOSED_NOTES[redemption.status]
  return (
    <Screen className='redemption'>
      <Section className='redemption__ticket'>
        <View className='redemption__head'>
          <Text className='redemption__title'>{redemption.reward.title}</Text>
          <StatusChip status={redemption.status} />
        </View>
        {redemption.qrDataUrl ? (
          <Image
            id='redemption-qr'
            className='redemption__qr'
            src={redemption.qrDataUrl}
            mode='aspectFit'
            showMenuByLongpress={false}
          />
        ) : null}
        <Text className='redemption__code-label'>领取码</Text>
        <Text
          id='redemption-code'
          className={redemption.status === 'reserved' ? 'redemption__code' : 'redemption__code redemption__code--closed'}
          userSelect
        >
          {redemption.code}
        </Text>
        {redemption.status === 'reserved' ? (
          <Text className='muted redemption__hint'>请向工作人员出示二维码；无法扫码时可读出领取码</Text>
        ) : (
          <Text className='muted redemption__hint'>{closedNote}</Text>
        )}
      </Section>

      {redemption.status === 'reserved' ? <SubscribePrompt moment='redeem' text='开启微信提醒：领取期限将到时提醒您' /> : null}

      <Section title='领取信息'>
        <View className='kv'>
          <Text className='kv__key'>领取地点</Text>
          <Text className='kv__value'>{redemption.reward.pickupPlace}</Text>
        </View>
        {redemption.reward.pickupInstructions ? (
          <View className='kv'>
            <Text className='kv__key'>领取说明</Text>
            <Text className='kv__value'>{redemption.reward.pickupInstructions}</Text>
          </View>
        ) : null}
        <View className='kv'>
          <Text className='kv__key'>有效期至</Text>
          <Text className='kv__value' id='redemption-expiry'>{formatDateTime(redemption.expiresAt)}</Text>
        </View>
        <View className='kv'>
          <Text className='kv__key'>消耗积分</Text>
          <Text className='kv__value'>{redemption.points}</Text>
        </View>
        <View className='kv'>
          <Text className='kv__key'>兑换时间</Text>
          <Text className='kv__value'>{formatDateTime(redemption.createdAt)}</Text>
        </View>
        {redemption.closedAt ? (
          <View className='kv'>
            <Text className='kv__key'>{redemption.status === 'fulfilled' ? '领取时间' : '结束时间'}</Text>
            <Text className='kv__value'>{formatDateTime(redemption.closedAt)}</Text>
          </View>
        ) : null}
      </Section>

      {redemption.actions.includes('cancel') ? (
        <Button
          id='cancel-redemption'
          className='btn btn--danger redemption__cancel'
          loading={cancelling || undefined}
          disabled={cancelling || undefined}
          onClick={() => void cancel()}
        >
          取消兑换
        </Button>
      ) : null}
    </Screen>
  )
}
