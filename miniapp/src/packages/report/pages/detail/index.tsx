import { useCallback, useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import {
  api, CASE_COLOUR_LABELS, CASE_STATUS_LABELS, RESOLUTION_OUTCOME_LABELS, type CaseDetail,
} from '@anju/shared'
import { call, errorMessage, newIdempotencyKey } from '../../../../api'
import '../../../../components/CaseCard/index.scss'
import { CaseDeadlines } from '../../../../components/CaseDeadlines'
import { CasePhotos } from '../../../../components/CasePhotos'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { SubscribePrompt } from '../../../../components/SubscribePrompt'
import { useRequireSession } from '../../../../hooks/session'
import '../../report.scss'

import { formatDateTime } from '../../../../utils/format'

/** The case file: what was reported, the full timeline, and the rating once it is verified. */
export default function CaseDetailPage() {
  const session = useRequireSession()
  const id = Number(useRouter().params.id)
  const [item, setItem] = useState<CaseDetail | null>(null)
  const [error, setError] = useState('')
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState(false)
  const rateKey = useRef(newIdempotencyKey())

  const reload = useCallback(async () => {
    setError('')
    try {
      setItem(await call(api.caseDetail, { params: { id } }))
    } catch (err) {
      setError(errorMessage(err))
    }
  }, [id])

  useDidShow(() => {
    void reload()
  })
  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh())
  })

  async function rate(satisfied: boolean) {
    setBusy(true)
    setError('')
    try {
      await call(api.caseAction, {
        params: { id }, idempotencyKey: rateKey.current,
        body: { action: 'rate', satisfied, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      })
      rateKey.current = newIdempotencyKey()
      Taro.showToast({ title: satisfied ? '感谢您的评价' : '已反馈，将重新办理', icon: 'none' })
      await reload()
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  if (!session) return <Screen>{null}</Screen>
  if (!item) return <Screen>{error ? <Text className='form-error'>{error}</Text> : <Text className='muted'>加载中…</Text>}</Screen>
  return (
    <Screen className='report'>
      <Section title={item.category.name} extra={<Text className={`case-chip case-chip--${item.status}`} id='case-status'>{CASE_STATUS_LABELS[item.status]}</Text>}>
        <Text className='muted'>{`编号 ${item.number} · ${CASE_COLOUR_LABELS[item.colour]}预警${item.overdue ? ' · 已超期' : ''}`}</Text>
        <Text className='report__timeline-note' id='case-handler'>{`承办单位：${item.region.name}${item.region.id === item.grid.id ? '' : `（${item.grid.name}）`}`}</Text>
        {item.visibility === 'summary' ? (
          <Text className='report__timeline-note' id='case-summary'>其他居民先反映了这个问题，您已关注它的进展。为保护反映人，这里不显示原始描述、照片和详细地址。</Text>
        ) : (
          <Text className='report__timeline-note' id='case-text'>{item.text}</Text>
        )}
        {item.plate ? <Text className='report__timeline-note'>{`车牌：${item.plate}`}</Text> : null}
        <Text className='report__timeline-note'>{item.location.address}</Text>
        <CasePhotos photos={item.photos} />
        <CaseDeadlines item={item} />
        {item.outcome ? <Text className='report__timeline-note'>{`处置结果：${RESOLUTION_OUTCOME_LABELS[item.outcome]}`}</Text> : null}
        {item.rating ? <Text className='report__timeline-note'>{`评价：${item.rating.satisfied ? '满意' : '不满意'}${item.rating.comment ? `（${item.rating.comment}）` : ''}`}</Text> : null}
      </Section>

      {item.relation === 'reporter' && !['closed', 'rejected'].includes(item.status) ? (
        <SubscribePrompt moment='report' text='开启微信提醒：受理、办结时第一时间通知您' />
      ) : null}

      {item.actions.includes('rate') ? (
        <Section title='评价处理结果'>
          <Input className='field__input' value={comment} placeholder='说说您的意见（选填）' maxlength={500} onInput={(e) => setComment(e.detail.value)} />
          <View className='report__actions'>
            <Button className='btn btn--primary' id='rate-satisfied' disabled={busy} onClick={() => void rate(true)}>满意</Button>
            <Button className='btn btn--plain' id='rate-unsatisfied' disabled={busy} onClick={() => void rate(false)}>不满意</Button>
          </View>
        </Section>
      ) : null}

      <Section title='办理过程'>
        {item.timeline.map((e) => (
          <View key={e.id} className='report__timeline-item'>
            <View className='report__timeline-head'>
              <Text>{e.label}</Text>
              <Text className='muted'>{formatDateTime(e.createdAt)}</Text>
            </View>
            <Text className='muted'>{e.actor ? e.actor.displayName : '系统'}</Text>
            {e.note ? <Text className='report__timeline-note'>{e.note}</Text> : null}
            {/* The report's own photos are shown above. */}
            {e.kind === 'submit' ? null : <CasePhotos photos={e.photos} />}
          </View>
        ))}
      </Section>
      {error ? <Text className='form-error'>{error}</Text> : null}
    </Screen>
  )
}
