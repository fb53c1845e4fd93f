import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Image, Text, View } from '@tarojs/components'
import { api, type RewardView } from '@anju/shared'
import { call, errorMessage, getSession } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { usePageData } from '../../../../hooks/load'
import { useRequireSession } from '../../../../hooks/session'
import { formatDate } from '../../../../utils/format'
import { WORKBENCH_PAGES } from '../../../../utils/routes'
import { StaffOnly } from '../../components/StaffOnly'
import { isReviewerRole } from '../../reviewer'
import { scopeLabel } from '../../rewards'
import '../../components/workbench.scss'
import './index.scss'

/** 礼品管理: every reward in the staff member's region, archived ones included, to put up, change or take down. */
export default function RewardCataloguePage() {
  const session = useRequireSession()
  const [archiving, setArchiving] = useState<number | null>(null)
  const { data: rewards, loading, error, reload } = usePageData(async () => {
    const user = getSession()?.user
    return user && isReviewerRole(user.role) ? (await call(api.staffRewards)).items : []
  })

  if (!session) return <Screen>{null}</Screen>
  if (!isReviewerRole(session.user.role)) return <StaffOnly text='仅社区工作人员可以管理礼品' />

  async function archive(reward: RewardView) {
    if (archiving !== null) return
    const { confirm } = await Taro.showModal({
      title: '下架礼品',
      content: `确定下架「${reward.title}」吗？下架后居民不能再兑换，已兑换待领取的仍可凭领取码领取。`,
      confirmText: '确定下架',
      confirmColor: '#f53f3f',
    })
    if (!confirm) return
    setArchiving(reward.id)
    try {
      await call(api.archiveReward, { params: { id: reward.id } })
      Taro.showToast({ title: '已下架', icon: 'success' })
    } catch (err) {
      Taro.showModal({ title: '下架未成功', content: errorMessage(err), showCancel: false, confirmColor: '#1677ff' })
    } finally {
      setArchiving(null)
      void reload()
    }
  }

  return (
    <Screen className='reward-admin'>
      <Button id='reward-new' className='btn btn--primary reward-admin__new' onClick={() => Taro.navigateTo({ url: WORKBENCH_PAGES.rewardForm })}>
        上架新礼品
      </Button>

      {error ? <LoadError message={error} onRetry={() => void reload()} /> : null}

      {rewards === null ? (
        loading ? <Text className='muted wb-state'>加载中…</Text> : null
      ) : rewards.length === 0 ? (
        <Section>
          <EmptyState text='辖区内还没有礼品' hint='点击「上架新礼品」，居民即可在积分商城兑换' />
        </Section>
      ) : (
        rewards.map((reward) => (
          <RewardRow
            key={reward.id}
            reward={reward}
            busy={archiving === reward.id}
            onEdit={() => Taro.navigateTo({ url: `${WORKBENCH_PAGES.rewardForm}?id=${reward.id}` })}
            onArchive={() => void archive(reward)}
          />
        ))
      )}
    </Screen>
  )
}

function RewardRow({ reward, busy, onEdit, onArchive }: {
  reward: RewardView
  busy: boolean
  onEdit: () => void
  onArchive: () => void
}) {
  const archived = reward.status === 'archived'
  // The server says why residents cannot redeem it now (未到兑换时间, 兑换已结束, 已兑完); null means open.
  const state = archived ? 'archived' : reward.unavailableReason ? 'paused' : 'open'
  return (
    <View id={`wb-reward-${reward.id}`} className={`reward-row reward-row--${state}`}>
      <View className='reward-row__top'>
        {reward.imageUrl ? (
          <Image className='reward-row__image' src={reward.imageUrl} mode='aspectFill' />
        ) : (
          <View className='reward-row__image reward-row__image--none'>
            <Text>暂无图片</Text>
          </View>
        )}
        <Text className='reward-row__title'>{reward.title}</Text>
        <Text className={`reward-row__chip reward-row__chip--${state}`}>{archived ? '已下架' : (reward.unavailableReason ?? '兑换中')}</Text>
      </View>
      <View className='reward-row__figures'>
        <Text className='reward-row__cost'>
          {reward.pointsCost}
          <Text className='reward-row__unit'>积分</Text>
        </Text>
        <Text className='reward-row__stock'>{`库存 剩余 ${reward.stockRemaining} / 共 ${reward.stockTotal}`}</Text>
      </View>
      <View className='wb-kv'>
        <Text className='wb-kv__key'>适用范围</Text>
        <Text className='wb-kv__value'>{scopeLabel(reward.region)}</Text>
      </View>
      <View className='wb-kv'>
        <Text className='wb-kv__key'>兑换时间</Text>
        <Text className='wb-kv__value'>{`${formatDate(reward.validFrom)} 至 ${formatDate(reward.validUntil)}`}</Text>
      </View>
      <View className='wb-kv'>
        <Text className='wb-kv__key'>每人限兑</Text>
        <Text className='wb-kv__value'>{`${reward.perResidentLimit} 件`}</Text>
      </View>
      <View className='wb-kv'>
        <Text className='wb-kv__key'>领取地点</Text>
        <Text className='wb-kv__value'>{reward.pickupPlace}</Text>
      </View>
      {archived ? null : (
        <View className='wb-actions'>
          <Button className='btn btn--plain wb-action reward-row__edit' disabled={busy || undefined} onClick={onEdit}>
            编辑
          </Button>
          <Button
            className='btn btn--danger wb-action reward-row__archive'
            loading={busy || undefined}
            disabled={busy || undefined}
            onClick={onArchive}
          >
            下架
          </Button>
        </View>
      )}
    </View>
  )
}
