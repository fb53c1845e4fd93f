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
import { MALL_PAGES } from '../../../../utils/routes'
import { RewardPicture } from '../../components/RewardPicture'
import { confirmationLines, eligibilityOf, windowOf } from '../../eligibility'
import '../../components/mall.scss'
import './index.scss'

export default function RewardDetailPage() {
  const session = useRequireSession()
  const { params } = useRouter()
  const id = Number(params.id)
  // The same key when the resident retries after a network failure: the server redeems once.
  const { busy: redeeming, send } = useIdempotentSend()

  const { data, error, reload } = usePageData(async () => {
    if (!Number.isInteger(id) || id <= 0) throw new Error('礼品编号有误')
    const [reward, summary] = await Promise.all([call(api.reward, { params: { id } }), call(api.pointsSummary)])
    return { reward, balance: summary.balance }
  })
  const reward = data?.reward ?? null

  async function redeem() {
    if (!data || redeeming) return
    const { reward, balance } = data
    // Everything that decides whether to go ahead, on one screen: the resident confirms knowing their limit,
    // what is left of their points, and where and by when to pick it up.
    const { confirm } = await Taro.showModal({
      title: '确认兑换',
      content: confirmationLines(reward, balance).join('\n'),
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
  if (!data || !reward) {
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

  const { held, balanceAfter, blocked } = eligibilityOf(reward, data.balance)
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
          <Text className='muted' id='reward-stock'>{`剩余 ${reward.stockRemaining} / ${reward.stockTotal} 件`}</Text>
        </View>
        {reward.description ? <Text className='reward__description'>{reward.description}</Text> : null}
      </Section>

      <Section title='我的兑换' className='reward__mine'>
        <View className='kv'>
          <Text className='kv__key'>我的积分</Text>
          <Text className={balanceAfter < 0 ? 'kv__value reward__short' : 'kv__value'} id='reward-balance'>
            {balanceAfter < 0
              ? `${data.balance}，还差 ${-balanceAfter} 积分`
              : `${data.balance}，兑换后剩 ${balanceAfter}`}
          </Text>
        </View>
        <View className='kv'>
          <Text className='kv__key'>每人限兑</Text>
          <Text className={held >= reward.perResidentLimit ? 'kv__value reward__short' : 'kv__value'} id='reward-limit'>
            {`${reward.perResidentLimit} 件，我已兑 ${held} 件`}
          </Text>
        </View>
      </Section>

      <Section title='兑换须知'>
        <View className='kv'>
          <Text className='kv__key'>适用范围</Text>
          <Text className='kv__value'>{reward.region.name}</Text>
        </View>
        <View className='kv'>
          <Text className='kv__key'>兑换时间</Text>
          <Text className='kv__value'>{windowOf(reward)}</Text>
        </View>
        <View className='kv'>
          <Text className='kv__key'>领取地点</Text>
          <Text className='kv__value' id='reward-place'>{reward.pickupPlace}</Text>
        </View>
        <View className='kv'>
          <Text className='kv__key'>领取期限</Text>
          <Text className='kv__value' id='reward-pickup-days'>{`兑换后 ${reward.pickupDays} 天内`}</Text>
        </View>
        {reward.pickupInstructions ? (
          <View className='kv'>
            <Text className='kv__key'>领取说明</Text>
            <Text className='kv__value'>{reward.pickupInstructions}</Text>
          </View>
        ) : null}
        <Text className='muted reward__note'>兑换后凭领取码到领取地点领取；领取前可取消，逾期未领自动取消，积分原路退回。</Text>
      </Section>

      <View className='reward__footer'>
        {blocked ? <Text className='reward__unavailable' id='reward-blocked'>{blocked}</Text> : null}
        <Button
          id='redeem'
          className='btn btn--primary'
          loading={redeeming || undefined}
          disabled={blocked !== null || redeeming || undefined}
          onClick={() => void redeem()}
        >
          立即兑换
        </Button>
      </View>
    </Screen>
  )
}
