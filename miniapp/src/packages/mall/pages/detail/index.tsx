import Taro, { useRouter } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { api } from '@anju/shared'
import { call, errorMessage } from '../../../../api'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useIdempotentSend } from '../../../../hooks/send'
import { usePageData } from '../../../../hooks/load'
import { useRequireSession } from '../../../../hooks/session'
import { formatDate } from '../../../../utils/format'
import { MALL_PAGES } from '../../../../utils/routes'
import { RewardPicture } from '../../components/RewardPicture'
import '../../components/mall.scss'
import './index.scss'

export default function RewardDetailPage() {
  const session = useRequireSession()
  const { params } = useRouter()
  const id = Number(params.id)
  // The same key when the resident retries after a network failure: the server redeems once.
  const { busy: redeeming, send } = useIdempotentSend()

  const { data: reward, error, reload } = usePageData(async () => {
    if (!Number.isInteger(id) || id <= 0) throw new Error('礼品编号有误')
    return call(api.reward, { params: { id } })
  })

  async function redeem() {
    if (!reward || redeeming) return
    const { confirm } = await Taro.showModal({
      title: '确认兑换',
      content: `确认使用 ${reward.pointsCost} 积分兑换「${reward.title}」？`,
      confirmText: '确认兑换',
      confirmColor: '#1677ff',
    })
    if (!confirm) return
    try {
      const redemption = await send((idempotencyKey) => call(api.redeemReward, { params: { id: reward.id }, idempotencyKey }))
      Taro.showToast({ title: '兑换成功', icon: 'success' })
      Taro.redirectTo({ url: `${MALL_PAGES.redemption}?id=${redemption.id}` })
    } catch (err) {
      Taro.showModal({ title: '兑换未成功', content: errorMessage(err), showCancel: false, confirmColor: '#1677ff' })
      void reload()
    }
  }

  if (!session) return <Screen>{null}</Screen>
  if (!reward) {
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

  const unavailable = reward.unavailableReason
  return (
    <Screen className='reward'>
      <Section>
        <RewardPicture reward={reward} size='banner' />
        <Text className='reward__title' id='reward-title'>{reward.title}</Text>
        <View className='reward__price'>
          <Text className='mall-card__cost'>
            {reward.pointsCost}
            <Text className='mall-card__unit'>积分</Text>
          </Text>
          <Text className='muted'>{`剩余 ${reward.stockRemaining} / ${reward.stockTotal} 件`}</Text>
        </View>
        {reward.description ? <Text className='reward__description'>{reward.description}</Text> : null}
      </Section>

      <Section title='兑换须知'>
        <View className='kv'>
          <Text className='kv__key'>适用范围</Text>
          <Text className='kv__value'>{reward.region.name}</Text>
        </View>
        <View className='kv'>
          <Text className='kv__key'>每人限兑</Text>
          <Text className='kv__value'>{`${reward.perResidentLimit} 件`}</Text>
        </View>
        <View className='kv'>
          <Text className='kv__key'>兑换时间</Text>
          <Text className='kv__value'>{`${formatDate(reward.validFrom)} 至 ${formatDate(reward.validUntil)}`}</Text>
        </View>
        <View className='kv'>
          <Text className='kv__key'>领取地点</Text>
          <Text className='kv__value'>{reward.pickupPlace}</Text>
        </View>
        {reward.pickupInstructions ? (
          <View className='kv'>
            <Text className='kv__key'>领取说明</Text>
            <Text className='kv__value'>{reward.pickupInstructions}</Text>
          </View>
        ) : null}
        <Text className='muted reward__note'>兑换后凭领取码到领取地点领取；领取前可取消，积分原路退回。</Text>
      </Section>

      <View className='reward__footer'>
        {unavailable ? <Text className='reward__unavailable'>{unavailable}</Text> : null}
        <Button
          id='redeem'
          className='btn btn--primary'
          loading={redeeming || undefined}
          disabled={unavailable !== null || redeeming || undefined}
          onClick={() => void redeem()}
        >
          立即兑换
        </Button>
      </View>
    </Screen>
  )
}
