import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { api } from '@anju/shared'
import { call } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { usePageData } from '../../../../hooks/load'
import { useRequireSession } from '../../../../hooks/session'
import { formatDate, formatDateTime } from '../../../../utils/format'
import { MALL_PAGES } from '../../../../utils/routes'
import { StatusChip } from '../../../../components/RedemptionStatus'
import '../../components/mall.scss'
import './index.scss'

export default function MyRedemptionsPage() {
  const session = useRequireSession()
  // Back from a redemption that was just cancelled: its new status shows, since every show reloads.
  const { data, loading, error, reload } = usePageData(async () => (await call(api.myRedemptions)).items)
  const items = data

  if (!session) return <Screen>{null}</Screen>
  return (
    <Screen>
      {error ? (
        <LoadError message={error} onRetry={() => void reload()} />
      ) : null}
      {items === null ? (
        loading ? <Text className='muted state-text'>加载中…</Text> : null
      ) : items.length === 0 ? (
        <Section>
          <EmptyState text='还没有兑换记录' hint='在积分商城用积分兑换礼品' />
          <Button className='btn btn--primary' onClick={() => Taro.redirectTo({ url: MALL_PAGES.list })}>
            去积分商城
          </Button>
        </Section>
      ) : (
        items.map((item) => (
          <View
            key={item.id}
            className='mall-card redemption-card'
            hoverClass='redemption-card--pressed'
            onClick={() => Taro.navigateTo({ url: `${MALL_PAGES.redemption}?id=${item.id}` })}
          >
            <View className='redemption-card__top'>
              <Text className='mall-card__title redemption-card__title'>{item.reward.title}</Text>
              <StatusChip status={item.status} />
            </View>
            <View className='mall-card__meta'>
              <Text>{`${item.points} 积分 · ${formatDateTime(item.createdAt)}`}</Text>
            </View>
            {item.status === 'reserved' ? (
              <View className='mall-card__meta'>
                <Text>{`请于 ${formatDate(item.expiresAt)} 前到${item.reward.pickupPlace}领取`}</Text>
              </View>
            ) : null}
          </View>
        ))
      )}
    </Screen>
  )
}
