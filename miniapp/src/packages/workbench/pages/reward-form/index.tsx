import { useEffect, useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Button, Input, Picker, Text, Textarea, View } from '@tarojs/components'
import { api } from '@anju/shared'
import { call, getSession } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { usePageData } from '../../../../hooks/load'
import { useIdempotentSend } from '../../../../hooks/send'
import { useRequireSession } from '../../../../hooks/session'
import { WORKBENCH_PAGES } from '../../../../utils/routes'
import { RewardImageField } from '../../components/RewardImageField'
import { StaffOnly } from '../../components/StaffOnly'
import { submitErrorMessage } from '../../formErrors'
import { isReviewerRole } from '../../reviewer'
import { blankDraft, checked, draftOf, type Draft } from '../../rewardDraft'
import { scopeLabel, scopeOptions, type ScopeOption } from '../../rewards'
import '../../components/workbench.scss'
import './index.scss'

function backToList() {
  if (Taro.getCurrentPages().length > 1) Taro.navigateBack()
  else Taro.redirectTo({ url: WORKBENCH_PAGES.rewards })
}

/** 上架礼品 / 修改礼品: one form for a new reward and for changing one (`?id=`); a change of stock moves what remains. */
export default function RewardFormPage() {
  const session = useRequireSession()
  const id = Number(useRouter().params.id) || null
  const [draft, setDraft] = useState<Draft | null>(null)
  const [error, setError] = useState('')
  const { busy, send, forget } = useIdempotentSend()

  const { data, error: loadError, reload } = usePageData(async () => {
    const user = getSession()?.user
    if (!user || !isReviewerRole(user.role)) return null
    // No single-reward endpoint for staff: the catalogue list is what they may change.
    const [regions, catalogue] = await Promise.all([call(api.regions), id ? call(api.staffRewards) : null])
    return {
      scopes: scopeOptions(regions.items),
      reward: catalogue?.items.find((r) => r.id === id) ?? null,
    }
  })
  const reward = data?.reward ?? null

  useEffect(() => {
    if (id) Taro.setNavigationBarTitle({ title: '修改礼品' })
  }, [id])

  // Filled once, from the first answer; a later reload (back from the background) keeps what was typed.
  useEffect(() => {
    if (!data || draft) return
    if (data.reward) {
      setDraft(draftOf(data.reward))
    } else if (!id) {
      const own = data.scopes.find((s) => s.id === getSession()?.user.region?.id)
      setDraft(blankDraft(own?.id ?? (data.scopes.length === 1 ? data.scopes[0]!.id : null)))
    }
  }, [data, draft, id])

  if (!session) return <Screen>{null}</Screen>
  if (!isReviewerRole(session.user.role)) return <StaffOnly text='仅社区工作人员可以管理礼品' />
  if (!data) {
    return <Screen>{loadError ? <LoadError message={loadError} onRetry={() => void reload()} /> : <Text className='muted wb-state'>加载中…</Text>}</Screen>
  }
  if (id && !reward) {
    return (
      <Screen>
        <Section>
          <EmptyState text='礼品不存在或不在您的辖区' />
        </Section>
      </Screen>
    )
  }
  if (reward?.status === 'archived') {
    return (
      <Screen>
        <Section>
          <EmptyState text='该礼品已下架，不能再修改' />
        </Section>
      </Screen>
    )
  }
  if (!draft) return <Screen>{null}</Screen>

  const scopes: ScopeOption[] =
    reward && !data.scopes.some((s) => s.id === reward.region.id)
      ? [{ id: reward.region.id, label: scopeLabel(reward.region) }, ...data.scopes]
      : data.scopes
  const scopeIndex = scopes.findIndex((s) => s.id === draft.regionId)
  const taken = reward ? reward.stockTotal - reward.stockRemaining : 0

  function change<K extends keyof Draft>(field: K, value: Draft[K]) {
    setDraft((prev) => (prev ? { ...prev, [field]: value } : prev))
    forget()
    setError('')
  }

  async function submit() {
    if (!draft || busy) return
    const result = checked(draft, reward)
    if ('error' in result) {
      setError(result.error)
      return
    }
    setError('')
    try {
      await send((idempotencyKey) =>
        reward
          ? call(api.updateReward, { params: { id: reward.id }, body: result.body, idempotencyKey })
          : call(api.createReward, { body: result.body, idempotencyKey }),
      )
      Taro.showToast({ title: reward ? '已保存' : '已上架', icon: 'success' })
      backToList()
    } catch (err) {
      setError(submitErrorMessage(err))
    }
  }

  return (
    <Screen className='reward-form'>
      <Section title='礼品信息'>
        <View className='field'>
          <Text className='field__label'>礼品名称</Text>
          <Input id='rf-title' className='field__input' value={draft.title} placeholder='例如 洗衣液一瓶' maxlength={64} onInput={(e) => change('title', e.detail.value)} />
        </View>
        <View className='field'>
          <Text className='field__label'>礼品介绍（选填）</Text>
          <Textarea
            id='rf-description'
            className='textarea-box wb-textarea'
            value={draft.description}
            placeholder='规格、用途等，居民在礼品详情中看到'
            maxlength={2000}
            onInput={(e) => change('description', e.detail.value)}
          />
        </View>
        <View className='field'>
          <Text className='field__label'>礼品图片（选填）</Text>
          <RewardImageField image={draft.image} onChange={(image) => change('image', image)} onError={setError} />
          <Text className='muted reward-form__hint'>一张实物照片，居民在积分商城中看到</Text>
        </View>
      </Section>

      <Section title='兑换规则'>
        <View className='wb-row'>
          <View className='field wb-cell'>
            <Text className='field__label'>所需积分</Text>
            <Input id='rf-points' className='field__input' type='number' value={draft.pointsCost} placeholder='至少 1' maxlength={7} onInput={(e) => change('pointsCost', e.detail.value)} />
          </View>
          <View className='field wb-cell'>
            <Text className='field__label'>每人限兑（件）</Text>
            <Input id='rf-limit' className='field__input' type='number' value={draft.perResidentLimit} placeholder='1–100' maxlength={3} onInput={(e) => change('perResidentLimit', e.detail.value)} />
          </View>
        </View>
        <View className='field'>
          <Text className='field__label'>库存总数（件）</Text>
          <Input id='rf-stock' className='field__input' type='number' value={draft.stock} placeholder='可兑换的总件数' maxlength={7} onInput={(e) => change('stock', e.detail.value)} />
          {reward ? (
            <Text className='muted reward-form__hint' id='rf-stock-hint'>
              {`已兑出 ${taken} 件，剩余 ${reward.stockRemaining} 件；修改总数后剩余数量随之增减`}
            </Text>
          ) : null}
        </View>
        <View className='wb-row'>
          <View className='field wb-cell'>
            <Text className='field__label'>开始日期</Text>
            <Picker mode='date' value={draft.validFrom} onChange={(e) => change('validFrom', e.detail.value)}>
              <View className='field__input wb-picker' id='rf-from'><Text>{draft.validFrom}</Text></View>
            </Picker>
          </View>
          <View className='field wb-cell'>
            <Text className='field__label'>结束日期</Text>
            <Picker mode='date' value={draft.validUntil} start={draft.validFrom} onChange={(e) => change('validUntil', e.detail.value)}>
              <View className='field__input wb-picker' id='rf-until'><Text>{draft.validUntil}</Text></View>
            </Picker>
          </View>
        </View>
        <View className='field'>
          <Text className='field__label'>适用范围</Text>
          {scopes.length > 1 ? (
            <Picker mode='selector' range={scopes.map((s) => s.label)} value={Math.max(scopeIndex, 0)} onChange={(e) => change('regionId', scopes[Number(e.detail.value)]?.id ?? null)}>
              <View className='field__input wb-picker' id='rf-scope'>
                <Text className={scopeIndex >= 0 ? '' : 'muted'}>{scopeIndex >= 0 ? scopes[scopeIndex]!.label : '请选择适用范围'}</Text>
                <Text className='wb-picker__arrow'>›</Text>
              </View>
            </Picker>
          ) : (
            <View className='field__input wb-picker' id='rf-scope'>
              <Text className={scopeIndex >= 0 ? '' : 'muted'}>{scopeIndex >= 0 ? scopes[scopeIndex]!.label : '您的账号没有可上架礼品的辖区'}</Text>
            </View>
          )}
          <Text className='muted reward-form__hint'>选社区，该社区的居民可兑换；选街道、区或全市，其下所有社区的居民都可兑换</Text>
        </View>
      </Section>

      <Section title='领取方式'>
        <View className='field'>
          <Text className='field__label'>领取地点</Text>
          <Input id='rf-place' className='field__input' value={draft.pickupPlace} placeholder='例如 幸福里社区服务中心一楼' maxlength={128} onInput={(e) => change('pickupPlace', e.detail.value)} />
        </View>
        <View className='field'>
          <Text className='field__label'>领取说明（选填）</Text>
          <Textarea
            id='rf-instructions'
            className='textarea-box wb-textarea reward-form__textarea'
            value={draft.pickupInstructions}
            placeholder='例如 工作日 9:00–17:00 凭领取码领取'
            maxlength={255}
            onInput={(e) => change('pickupInstructions', e.detail.value)}
          />
        </View>
      </Section>

      {error ? <Text className='form-error' id='rf-error'>{error}</Text> : null}
      <Button
        id='rf-submit'
        className='btn btn--primary reward-form__submit'
        loading={busy || undefined}
        disabled={busy || undefined}
        onClick={() => void submit()}
      >
        {reward ? '保存修改' : '上架'}
      </Button>
    </Screen>
  )
}
