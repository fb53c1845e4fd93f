import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Picker, Text, Textarea, View } from '@tarojs/components'
import { COMMUNITY_CHANGE_REASON_MAX, api, isStaffRole, type RegionView, type RewardView } from '@anju/shared'
import { call, errorMessage, updateSessionUser } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { usePageData } from '../../../../hooks/load'
import { useFreshUser, useRequireSession } from '../../../../hooks/session'
import { MALL_PAGES } from '../../../../utils/routes'
import { RewardPicture } from '../../components/RewardPicture'
import '../../components/mall.scss'
import './index.scss'

export default function RewardListPage() {
  const session = useRequireSession()
  useFreshUser()
  const [choosing, setChoosing] = useState(false)
  const { data, loading, error, reload } = usePageData(async () => {
    const [list, summary] = await Promise.all([call(api.rewards), call(api.pointsSummary)])
    return { rewards: list.items, balance: summary.balance }
  })
  const rewards = data?.rewards ?? null
  const balance = data?.balance ?? null

  if (!session) return <Screen>{null}</Screen>
  const { user } = session
  // Residents and volunteers pick their community; staff accounts belong to theirs and cannot redeem.
  const mayChooseCommunity = !isStaffRole(user.role)
  const needsCommunity = mayChooseCommunity && !user.region

  return (
    <Screen className='mall'>
      <View className='mall__header'>
        <View>
          <Text className='mall__balance-label'>我的积分</Text>
          <Text className='mall__balance' id='mall-balance'>{balance ?? '—'}</Text>
        </View>
        <View className='mall__region'>
          <Text>{user.region ? user.region.name : '未选择社区'}</Text>
          {mayChooseCommunity && user.region && !choosing ? (
            <Text className='mall__link' onClick={() => setChoosing(true)}>
              更换
            </Text>
          ) : null}
        </View>
      </View>

      {needsCommunity || choosing ? (
        <CommunityChooser
          current={user.region?.id ?? null}
          onCancel={user.region ? () => setChoosing(false) : undefined}
          onChosen={() => {
            setChoosing(false)
            void reload()
          }}
        />
      ) : null}

      {error ? (
        <LoadError message={error} onRetry={() => void reload()} />
      ) : null}

      {rewards === null ? (
        loading ? <Text className='muted state-text'>加载中…</Text> : null
      ) : rewards.length === 0 ? (
        <Section>
          <EmptyState text='暂无可兑换的礼品' hint={user.region ? '新礼品上架后会出现在这里' : '选择所在社区后可看到本社区的礼品'} />
        </Section>
      ) : (
        <View className='mall__list'>
          {rewards.map((reward) => (
            <RewardCard key={reward.id} reward={reward} balance={balance} />
          ))}
        </View>
      )}
    </Screen>
  )
}

function RewardCard({ reward, balance }: { reward: RewardView; balance: number | null }) {
  const unavailable = reward.unavailableReason !== null
  // The server answers INSUFFICIENT_POINTS anyway; saying it here spares a trip to the detail page.
  const shortBy = !unavailable && balance !== null ? reward.pointsCost - balance : 0
  return (
    <View
      className={unavailable ? 'mall-card reward-card mall-card--unavailable' : 'mall-card reward-card'}
      hoverClass='reward-card--pressed'
      onClick={() => Taro.navigateTo({ url: `${MALL_PAGES.detail}?id=${reward.id}` })}
    >
      <RewardPicture reward={reward} size='thumb' />
      <View className='reward-card__body'>
        <Text className='mall-card__title'>{reward.title}</Text>
        <View className='mall-card__meta'>
          <Text className='mall-card__cost'>
            {reward.pointsCost}
            <Text className='mall-card__unit'>积分</Text>
          </Text>
          <Text>{`剩余 ${reward.stockRemaining} 件`}</Text>
        </View>
        <View className='mall-card__meta'>
          <Text>{`${reward.region.name}${reward.region.level === 'city' ? '通用' : ''}`}</Text>
          <Text>{`每人限兑 ${reward.perResidentLimit} 件`}</Text>
        </View>
        {unavailable ? <Text className='mall-card__reason'>{reward.unavailableReason}</Text> : null}
        {shortBy > 0 ? <Text className='mall-card__short'>{`积分不足，还差 ${shortBy} 积分`}</Text> : null}
      </View>
    </View>
  )
}

/** A resident without a community chooses one; it decides which communities' rewards they see. */
function CommunityChooser({ current, onChosen, onCancel }: {
  current: number | null
  onChosen: () => void
  onCancel?: () => void
}) {
  const [communities, setCommunities] = useState<{ id: number; label: string }[] | null>(null)
  const [index, setIndex] = useState(-1)
  const [error, setError] = useState('')
  const [saving, setSaving] = useState(false)
  const [reason, setReason] = useState('')
  // A first choice is free; moving from one community to another needs a reason and waits its cool-down.
  const moving = current !== null

  // Mounted after the page was shown, so an effect rather than useDidShow.
  useEffect(() => {
    let live = true
    call(api.regions)
      .then(({ items }) => {
        if (!live) return
        const options = communityOptions(items)
        setCommunities(options)
        setIndex(options.findIndex((o) => o.id === current))
      })
      .catch((err) => live && setError(errorMessage(err)))
    return () => {
      live = false
    }
  }, [current])

  async function save() {
    const chosen = communities?.[index]
    if (!chosen || saving) return
    if (moving && chosen.id !== current && !reason.trim()) {
      setError('更换社区请填写原因')
      return
    }
    setSaving(true)
    setError('')
    try {
      updateSessionUser(await call(api.setMyCommunity, { body: { regionId: chosen.id, reason: moving ? reason.trim() : undefined } }))
      Taro.showToast({ title: '已设置所在社区', icon: 'success' })
      onChosen()
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setSaving(false)
    }
  }

  return (
    <Section title='选择所在社区' className='community'>
      <Text className='muted community__hint'>
        {moving
          ? '更换社区须说明原因，一段时间内只能更换一次；迁入新社区满一定天数后才能兑换该社区自己的礼品，全市通用礼品不受影响。'
          : '选择您居住的社区后，可以兑换本社区和全市通用的礼品。'}
      </Text>
      {communities === null && !error ? <Text className='muted'>正在加载社区…</Text> : null}
      {communities ? (
        <Picker
          mode='selector'
          range={communities.map((c) => c.label)}
          value={Math.max(index, 0)}
          onChange={(e) => setIndex(Number(e.detail.value))}
        >
          <View className='community__picker' id='community-picker'>
            <Text className={index >= 0 ? '' : 'muted'}>{index >= 0 ? communities[index]!.label : '请选择社区'}</Text>
            <Text className='community__arrow'>›</Text>
          </View>
        </Picker>
      ) : null}
      {moving ? (
        <Textarea
          id='community-reason'
          className='textarea-box community__reason'
          value={reason}
          placeholder='更换原因，例如：已搬家到新社区'
          maxlength={COMMUNITY_CHANGE_REASON_MAX}
          onInput={(e) => setReason(e.detail.value)}
        />
      ) : null}
      {error ? <Text className='form-error'>{error}</Text> : null}
      <View className='community__actions'>
        {onCancel ? (
          <Button className='btn btn--plain community__button' onClick={onCancel}>
            取消
          </Button>
        ) : null}
        <Button
          id='community-save'
          className='btn btn--primary community__button'
          loading={saving || undefined}
          disabled={index < 0 || saving || undefined}
          onClick={() => void save()}
        >
          确定
        </Button>
      </View>
    </Section>
  )
}

/** Community-level regions, named with their street so two 「新村社区」 can be told apart. */
function communityOptions(regions: RegionView[]): { id: number; label: string }[] {
  const byId = new Map(regions.map((r) => [r.id, r]))
  return regions
    .filter((r) => r.level === 'community')
    .map((r) => {
      const parent = r.parentId === null ? undefined : byId.get(r.parentId)
      return { id: r.id, label: parent ? `${parent.name} · ${r.name}` : r.name }
    })
}
