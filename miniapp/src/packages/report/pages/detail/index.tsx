import { useCallback, useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro'
import { Button, Image, Input, Text, View } from '@tarojs/components'
import {
  api, CASE_COLOUR_LABELS, CASE_STATUS_LABELS, RESOLUTION_OUTCOME_LABELS, type CaseDetail,
} from '@anju/shared'
import { API_BASE, call, errorMessage, newIdempotencyKey } from '../../../../api'
import '../../../../components/CaseCard/index.scss'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import '../../report.scss'

const when = (iso: string) => {
  const d = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getMonth() + 1}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

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
        <Text className='report__timeline-note' id='case-text'>{item.text}</Text>
        {item.plate ? <Text className='report__timeline-note'>{`车牌：${item.plate}`}</Text> : null}
        <Text className='report__timeline-note'>{item.location.address}</Text>
        <View className='report__photos'>
          {item.photos.map((p) => (
            <Image key={p.id} src={API_BASE + p.url} mode='aspectFill' className='report__photo' />
          ))}
        </View>
        {item.outcome ? <Text className='report__timeline-note'>{`处置结果：${RESOLUTION_OUTCOME_LABELS[item.outcome]}`}</Text> : null}
        {item.rating ? <Text className='report__timeline-note'>{`评价：${item.rating.satisfied ? '满意' : '不满意'}${item.rating.comment ? `（${item.rating.comment}）` : ''}`}</Text> : null}
      </Section>

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
              <Text className='muted'>{when(e.createdAt)}</Text>
            </View>
            <Text className='muted'>{e.actor ? e.actor.displayName : '系统'}</Text>
            {e.note ? <Text className='report__timeline-note'>{e.note}</Text> : null}
            {e.photos.length ? (
              <View className='report__photos'>
                {e.photos.map((p) => <Image key={p.id} src={API_BASE + p.url} mode='aspectFill' className='report__photo' />)}
              </View>
            ) : null}
          </View>
        ))}
      </Section>
      {error ? <Text className='form-error'>{error}</Text> : null}
    </Screen>
  )
}
