import { useEffect, useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Button, Input, Picker, Text, Textarea, View } from '@tarojs/components'
import { RewardInput, api, type RewardView } from '@anju/shared'
import { call, getSession } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { usePageData } from '../../../../hooks/load'
import { useIdempotentSend } from '../../../../hooks/send'
import { useRequireSession } from '../../../../hooks/session'
import { formatDate } from '../../../../utils/format'
import { WORKBENCH_PAGES } from '../../../../utils/routes'
import { StaffOnly } from '../../components/StaffOnly'
import { submitErrorMessage } from '../../formErrors'
import { isReviewerRole } from '../../reviewer'
import { scopeLabel, scopeOptions, type ScopeOption } from '../../rewards'
import '../../components/workbench.scss'
import './index.scss'

/** The form as typed: numbers stay text until checked, dates are the pickers' 'YYYY-MM-DD'. */
interface Draft {
  title: string
  description: string
  pointsCost: string
  stock: string
  perResidentLimit: string
  validFrom: string
  validUntil: string
  regionId: number | null
  pickupPlace: string
  pickupInstructions: string
}

const NUMBER_LABELS = { pointsCost: '所需积分', stock: '库存', perResidentLimit: '每人限兑数量' } as const
type NumberField = keyof typeof NUMBER_LABELS

/** The order of the fields on screen: the first problem reported is the topmost one. */
const FIELD_ORDER: (keyof RewardInput)[] = [
  'title', 'description', 'pointsCost', 'stock', 'perResidentLimit', 'validFrom', 'validUntil', 'regionId', 'pickupPlace',
  'pickupInstructions',
]

const NEW_REWARD_DAYS = 30

const pad = (n: number) => String(n).padStart(2, '0')
const dateOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`

/** A picked day at the given local time, as ISO: a window runs from the first day's 00:00 to the last day's 23:59:59. */
function dayAt(date: string, hours: number, minutes: number, seconds: number): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(y!, m! - 1, d!, hours, minutes, seconds).toISOString()
}

function blankDraft(regionId: number | null): Draft {
  const today = new Date()
  return {
    title: '', description: '', pointsCost: '', stock: '', perResidentLimit: '1',
    validFrom: dateOf(today), validUntil: dateOf(new Date(today.getTime() + NEW_REWARD_DAYS * 24 * 60 * 60 * 1000)),
    regionId, pickupPlace: '', pickupInstructions: '',
  }
}

function draftOf(reward: RewardView): Draft {
  return {
    title: reward.title, description: reward.description, pointsCost: String(reward.pointsCost), stock: String(reward.stockTotal),
    perResidentLimit: String(reward.perResidentLimit), validFrom: formatDate(reward.validFrom), validUntil: formatDate(reward.validUntil),
    regionId: reward.region.id, pickupPlace: reward.pickupPlace, pickupInstructions: reward.pickupInstructions,
  }
}

/**
 * The draft as the API body, or the first problem in Chinese. The shared schema words most messages; blank or
 * non-integer numbers are worded here, since a bare NaN would only get zod's generic one.
 */
function checked(draft: Draft, reward: RewardView | null): { body: RewardInput } | { error: string } {
  const issues: { field: string; message: string }[] = []
  const number = (field: NumberField) => {
    const text = draft[field].trim()
    if (!text) issues.push({ field, message: `请填写${NUMBER_LABELS[field]}` })
    else if (!/^-?\d+$/.test(text)) issues.push({ field, message: `${NUMBER_LABELS[field]}须为整数` })
    return Number(text)
  }
  // An unchanged day keeps the exact time it was saved with, so saving other changes does not move the window.
  const unchanged = (day: string, iso: string | undefined) => iso !== undefined && formatDate(iso) === day
  const parsed = RewardInput.safeParse({
    regionId: draft.regionId ?? 0,
    title: draft.title,
    description: draft.description,
    // Rewards have no image upload yet: whatever an edited reward has is kept as it is.
    imageUrl: reward?.imageUrl ?? '',
    pointsCost: number('pointsCost'),
    stock: number('stock'),
    perResidentLimit: number('perResidentLimit'),
    validFrom: unchanged(draft.validFrom, reward?.validFrom) ? reward!.validFrom : dayAt(draft.validFrom, 0, 0, 0),
    validUntil: unchanged(draft.validUntil, reward?.validUntil) ? reward!.validUntil : dayAt(draft.validUntil, 23, 59, 59),
    pickupPlace: draft.pickupPlace,
    pickupInstructions: draft.pickupInstructions,
  })
  if (!parsed.success) issues.push(...parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.message })))
  const taken = reward ? reward.stockTotal - reward.stockRemaining : 0
  if (parsed.success && parsed.data.stock < taken) issues.push({ field: 'stock', message: `库存不能少于已兑出的 ${taken} 件` })
  if (parsed.success && issues.length === 0) return { body: parsed.data }
  const rank = (field: string) => {
    const at = FIELD_ORDER.indexOf(field as keyof RewardInput)
    return at < 0 ? FIELD_ORDER.length : at
  }
  // Stable: for one field, the wording made here comes before zod's.
  issues.sort((a, b) => rank(a.field) - rank(b.field))
  return { error: issues[0]?.message ?? '请检查填写的内容' }
}

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
            className='wb-textarea'
            value={draft.description}
            placeholder='规格、用途等，居民在礼品详情中看到'
            maxlength={2000}
            onInput={(e) => change('description', e.detail.value)}
          />
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
            className='wb-textarea reward-form__textarea'
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
