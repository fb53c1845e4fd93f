import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Input, Text, Textarea, View } from '@tarojs/components'
import { ManualAwardInput, api, type AwardView } from '@anju/shared'
import { call, errorMessage, isApiError, newIdempotencyKey } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import { WORKBENCH_PAGES } from '../../../../utils/routes'
import { isReviewerRole } from '../../reviewer'
import '../../components/workbench.scss'
import './index.scss'

/** 好人好事奖励: propose points for a good deed; a second staff member approves it in 积分审核. */
export default function ManualAwardPage() {
  const session = useRequireSession()
  const [userId, setUserId] = useState('')
  const [points, setPoints] = useState('')
  const [reason, setReason] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const [proposed, setProposed] = useState<AwardView | null>(null)
  // One key per filled-in form: a retry after a lost connection proposes once; any edit is a new proposal.
  const [attemptKey, setAttemptKey] = useState<string | null>(null)

  if (!session) return <Screen>{null}</Screen>
  if (!isReviewerRole(session.user.role)) {
    return (
      <Screen>
        <Section>
          <EmptyState text='仅社区工作人员可以提出奖励' />
        </Section>
      </Screen>
    )
  }

  const edit = (set: (value: string) => void) => (value: string) => {
    set(value)
    setAttemptKey(null)
    setError('')
  }

  async function submit() {
    if (busy) return
    const parsed = ManualAwardInput.safeParse({ userId: Number(userId) || 0, points: Number(points) || 0, reason })
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? '请检查填写的内容')
      return
    }
    const key = attemptKey ?? newIdempotencyKey()
    setAttemptKey(key)
    setBusy(true)
    setError('')
    try {
      const award = await call(api.proposeManualAward, { body: parsed.data, idempotencyKey: key })
      setProposed(award)
      setUserId('')
      setPoints('')
      setReason('')
      setAttemptKey(null)
      Taro.showToast({ title: '已提交审核', icon: 'success' })
    } catch (err) {
      if (!isApiError(err) || err.code !== 'NETWORK_ERROR') setAttemptKey(null)
      setError(errorMessage(err))
    } finally {
      setBusy(false)
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

      <Section title='奖励内容'>
        <View className='field'>
          <Text className='field__label'>居民编号</Text>
          <Input
            id='manual-user-id'
            className='field__input'
            type='number'
            value={userId}
            placeholder='居民的编号（数字）'
            maxlength={12}
            onInput={(e) => edit(setUserId)(e.detail.value)}
          />
        </View>
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
            className='wb-textarea'
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
