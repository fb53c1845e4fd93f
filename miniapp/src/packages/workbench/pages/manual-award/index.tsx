import { useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Button, Input, Text, Textarea, View } from '@tarojs/components'
import { ManualAwardInput, api, type AwardView, type ResidentSummary } from '@anju/shared'
import { call, errorMessage } from '../../../../api'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useIdempotentSend } from '../../../../hooks/send'
import { useRequireSession } from '../../../../hooks/session'
import { WORKBENCH_PAGES } from '../../../../utils/routes'
import { ResidentPicker } from '../../components/ResidentPicker'
import { StaffOnly } from '../../components/StaffOnly'
import { isReviewerRole } from '../../reviewer'
import '../../components/workbench.scss'
import './index.scss'

/**
 * 好人好事奖励: find and choose the resident, propose points for a good deed; a second staff member approves
 * it in 积分审核. Opened with `?userId=`, the page starts with that resident chosen.
 */
export default function ManualAwardPage() {
  const session = useRequireSession()
  const linkedUserId = Number(useRouter().params.userId) || null
  const [resident, setResident] = useState<ResidentSummary | null>(null)
  // A new picker (empty search, no ?userId=) after each proposal.
  const [picker, setPicker] = useState<{ key: number; initialId: number | null }>({ key: 0, initialId: linkedUserId })
  const [points, setPoints] = useState('')
  const [reason, setReason] = useState('')
  const [error, setError] = useState('')
  const [proposed, setProposed] = useState<AwardView | null>(null)
  // One key per filled-in form: a retry after a lost connection proposes once; any edit is a new proposal.
  const { busy, send, forget } = useIdempotentSend()

  if (!session) return <Screen>{null}</Screen>
  if (!isReviewerRole(session.user.role)) return <StaffOnly text='仅社区工作人员可以提出奖励' />

  const edit = <T,>(set: (value: T) => void) => (value: T) => {
    set(value)
    forget()
    setError('')
  }

  async function submit() {
    if (busy) return
    if (!resident) {
      setError('请先查找并选择要奖励的居民')
      return
    }
    const parsed = ManualAwardInput.safeParse({ userId: resident.id, points: Number(points) || 0, reason })
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? '请检查填写的内容')
      return
    }
    setError('')
    try {
      const award = await send((idempotencyKey) => call(api.proposeManualAward, { body: parsed.data, idempotencyKey }))
      setProposed(award)
      setResident(null)
      setPicker((p) => ({ key: p.key + 1, initialId: null }))
      setPoints('')
      setReason('')
      Taro.showToast({ title: '已提交审核', icon: 'success' })
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  return (
    <Screen className='manual-award'>
      <Section>
        <Text className='manual-award__explain'>
          为居民的好人好事提出积分奖励。为防止差错，奖励须由另一名工作人员在「积分审核」中通过后才会发放，您本人不能审核自己提出的奖励。
        </Text>
      </Section>

      {proposed ? (
        <Section title='已提交' className='manual-award__done'>
          <Text className='manual-award__done-text' id='manual-award-done'>
            {`已为 ${proposed.resident.displayName} 提出 ${proposed.points} 积分奖励，等待其他工作人员审核。`}
          </Text>
          <Button className='btn btn--plain' onClick={() => Taro.redirectTo({ url: WORKBENCH_PAGES.awards })}>
            查看积分审核
          </Button>
        </Section>
      ) : null}

      <Section title='选择居民'>
        <ResidentPicker key={picker.key} initialId={picker.initialId} selected={resident} onSelect={edit(setResident)} />
      </Section>

      <Section title='奖励内容'>
        <View className='field'>
          <Text className='field__label'>奖励积分</Text>
          <Input
            id='manual-points'
            className='field__input'
            type='number'
            value={points}
            placeholder='1–1000'
            maxlength={4}
            onInput={(e) => edit(setPoints)(e.detail.value)}
          />
        </View>
        <View className='field'>
          <Text className='field__label'>奖励原因</Text>
          <Textarea
            id='manual-reason'
            className='textarea-box wb-textarea'
            value={reason}
            placeholder='例如：帮助走失老人回家（居民会在积分明细中看到）'
            maxlength={200}
            onInput={(e) => edit(setReason)(e.detail.value)}
          />
        </View>
        {error ? <Text className='form-error'>{error}</Text> : null}
        <Button
          id='manual-submit'
          className='btn btn--primary'
          loading={busy || undefined}
          disabled={busy || undefined}
          onClick={() => void submit()}
        >
          提交审核
        </Button>
      </Section>
    </Screen>
  )
}
