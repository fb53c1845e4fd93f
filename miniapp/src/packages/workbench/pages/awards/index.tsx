import { useCallback, useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { AWARD_KIND_LABELS, api, type AwardView } from '@anju/shared'
import { call, errorMessage } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { RejectReasonForm } from '../../components/RejectReasonForm'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import { formatDateTime } from '../../../../utils/format'
import { StaffOnly } from '../../components/StaffOnly'
import { isReviewerRole } from '../../reviewer'
import '../../components/workbench.scss'
import './index.scss'

const PAGE_SIZE = 20

/** What happened to an award on this page: shown under it until the next reload. */
interface Outcome {
  ok: boolean
  text: string
}

export default function AwardReviewPage() {
  const session = useRequireSession()
  const [awards, setAwards] = useState<AwardView[] | null>(null)
  const [next, setNext] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState('')
  const [selected, setSelected] = useState<string[]>([])
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({})
  const [busy, setBusy] = useState<string | null>(null)
  const [rejecting, setRejecting] = useState<string | null>(null)
  const [batchSummary, setBatchSummary] = useState('')
  const generation = useRef(0)

  const reload = useCallback(async () => {
    const mine = ++generation.current
    setLoading(true)
    setError('')
    try {
      const page = await call(api.staffAwards, { query: { status: 'pending', limit: PAGE_SIZE } })
      if (mine !== generation.current) return
      setAwards(page.items)
      setNext(page.next)
      setSelected([])
      setOutcomes({})
      setBatchSummary('')
      setRejecting(null)
    } catch (err) {
      if (mine === generation.current) setError(errorMessage(err))
    } finally {
      if (mine === generation.current) setLoading(false)
    }
  }, [])

  async function loadMore() {
    if (!next || loading) return
    const mine = generation.current
    setLoading(true)
    try {
      const page = await call(api.staffAwards, { query: { status: 'pending', cursor: next, limit: PAGE_SIZE } })
      if (mine !== generation.current) return
      setAwards((prev) => [...(prev ?? []), ...page.items.filter((a) => !prev?.some((p) => p.id === a.id))])
      setNext(page.next)
    } catch (err) {
      Taro.showToast({ title: errorMessage(err), icon: 'none' })
    } finally {
      setLoading(false)
    }
  }

  useDidShow(() => {
    if (session && isReviewerRole(session.user.role)) void reload()
  })
  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh())
  })

  if (!session) return <Screen>{null}</Screen>
  if (!isReviewerRole(session.user.role)) return <StaffOnly text='仅社区工作人员可以审核积分' />

  const replace = (award: AwardView) => setAwards((prev) => prev?.map((a) => (a.id === award.id ? award : a)) ?? prev)
  const settle = (id: string, outcome: Outcome) => setOutcomes((prev) => ({ ...prev, [id]: outcome }))
  const approvable = (awards ?? []).filter((a) => a.actions.includes('approve'))
  const allSelected = approvable.length > 0 && approvable.every((a) => selected.includes(a.id))

  function toggle(id: string) {
    setSelected((prev) => (prev.includes(id) ? prev.filter((x) => x !== id) : [...prev, id]))
  }

  async function approveOne(award: AwardView) {
    if (busy) return
    setBusy(award.id)
    try {
      const done = await call(api.approveAward, { params: { id: award.id } })
      replace(done)
      settle(award.id, approvalOutcome(done))
      setSelected((prev) => prev.filter((x) => x !== award.id))
    } catch (err) {
      settle(award.id, { ok: false, text: errorMessage(err) })
    } finally {
      setBusy(null)
    }
  }

  async function rejectOne(award: AwardView, reason: string) {
    if (busy) return
    setBusy(award.id)
    try {
      const done = await call(api.rejectAward, { params: { id: award.id }, body: { reason } })
      replace(done)
      settle(award.id, { ok: true, text: `已驳回：${done.decisionNote ?? reason}` })
      setSelected((prev) => prev.filter((x) => x !== award.id))
      setRejecting(null)
    } catch (err) {
      Taro.showToast({ title: errorMessage(err), icon: 'none', duration: 2500 })
    } finally {
      setBusy(null)
    }
  }

  async function approveSelected() {
    const ids = selected.filter((id) => approvable.some((a) => a.id === id))
    if (busy || ids.length === 0) return
    const points = approvable.filter((a) => ids.includes(a.id)).reduce((sum, a) => sum + a.points, 0)
    const { confirm } = await Taro.showModal({
      title: '批量通过',
      content: `确定通过选中的 ${ids.length} 项奖励（共 ${points} 积分）吗？`,
      confirmText: '全部通过',
      confirmColor: '#1677ff',
    })
    if (!confirm) return
    setBusy('batch')
    setBatchSummary('')
    try {
      const { results } = await call(api.batchApproveAwards, { body: { ids } })
      let passed = 0
      for (const result of results) {
        if (result.ok && result.award) {
          const outcome = approvalOutcome(result.award)
          if (outcome.ok) passed++
          replace(result.award)
          settle(result.id, outcome)
        } else {
          settle(result.id, { ok: false, text: result.message ?? '未能通过' })
        }
      }
      setSelected([])
      const failed = results.length - passed
      setBatchSummary(failed ? `已通过 ${passed} 项，${failed} 项未发放（原因见各项）` : `已通过 ${passed} 项`)
    } catch (err) {
      setBatchSummary(errorMessage(err))
    } finally {
      setBusy(null)
    }
  }

  return (
    <Screen className='review'>
      {error ? (
        <LoadError message={error} onRetry={() => void reload()} />
      ) : null}

      {awards === null ? (
        loading ? <Text className='muted wb-state'>加载中…</Text> : null
      ) : awards.length === 0 ? (
        <Section>
          <EmptyState text='暂无待审核的积分' hint='居民的有效举报、巡逻和好人好事奖励会出现在这里' />
        </Section>
      ) : (
        <View>
          <View className='review__toolbar'>
            <View
              id='award-select-all'
              className='review__select-all'
              onClick={() => setSelected(allSelected ? [] : approvable.map((a) => a.id))}
            >
              <View className={allSelected ? 'check check--on' : 'check'} />
              <Text>{`全选（可审核 ${approvable.length} 项）`}</Text>
            </View>
            <Text className='muted'>{`已选 ${selected.length} 项`}</Text>
          </View>
          {batchSummary ? <Text className='review__summary' id='batch-summary'>{batchSummary}</Text> : null}

          {awards.map((award) => (
            <AwardCard
              key={award.id}
              award={award}
              selected={selected.includes(award.id)}
              outcome={outcomes[award.id]}
              busy={busy === award.id}
              rejecting={rejecting === award.id}
              onToggle={() => toggle(award.id)}
              onApprove={() => void approveOne(award)}
              onStartReject={() => setRejecting(award.id)}
              onCancelReject={() => setRejecting(null)}
              onReject={(reason) => void rejectOne(award, reason)}
            />
          ))}

          {next ? (
            <Button className='btn btn--plain review__more' loading={loading || undefined} onClick={() => void loadMore()}>
              加载更多
            </Button>
          ) : null}

          <View className='review__footer'>
            <Button
              id='batch-approve'
              className='btn btn--primary'
              loading={busy === 'batch' || undefined}
              disabled={selected.length === 0 || busy !== null || undefined}
              onClick={() => void approveSelected()}
            >
              {selected.length ? `批量通过（${selected.length}）` : '批量通过'}
            </Button>
          </View>
        </View>
      )}
    </Screen>
  )
}

/** What an approval came to: caps may grant less than proposed, or nothing (the server then rejects it). */
function approvalOutcome(award: AwardView): Outcome {
  if (award.status !== 'approved') {
    return { ok: false, text: `未发放：${award.decisionNote ?? '已达积分上限'}` }
  }
  const granted = award.grantedPoints ?? award.points
  return { ok: true, text: granted < award.points ? `已通过，受上限限制实发 ${granted} 积分` : `已通过，发放 ${granted} 积分` }
}

function AwardCard({ award, selected, outcome, busy, rejecting, onToggle, onApprove, onStartReject, onCancelReject, onReject }: {
  award: AwardView
  selected: boolean
  outcome?: Outcome
  busy: boolean
  rejecting: boolean
  onToggle: () => void
  onApprove: () => void
  onStartReject: () => void
  onCancelReject: () => void
  onReject: (reason: string) => void
}) {
  const canApprove = award.actions.includes('approve')
  const canReject = award.actions.includes('reject')
  const ownManual = award.status === 'pending' && !canApprove && award.kind === 'manual'

  return (
    <View className='award-card' id={`award-${award.id}`}>
      <View className='award-card__top'>
        {canApprove ? (
          <View className='award-card__check' onClick={onToggle}>
            <View className={selected ? 'check check--on' : 'check'} />
          </View>
        ) : null}
        <View className='award-card__main'>
          <Text className='award-card__reason'>{award.reason}</Text>
          <Text className='award-card__meta'>
            {`${award.resident.displayName}（编号 ${award.resident.id}）· ${AWARD_KIND_LABELS[award.kind]} · ${award.region.name}`}
          </Text>
          <Text className='award-card__meta'>
            {`${formatDateTime(award.createdAt)}${award.proposedBy ? ` · ${award.proposedBy.displayName} 提出` : ''}`}
          </Text>
        </View>
        <Text className='award-card__points'>{`+${award.points}`}</Text>
      </View>

      {ownManual ? <Text className='award-card__note'>由您提出，须由另一名工作人员审核</Text> : null}
      {outcome ? (
        <Text className={outcome.ok ? 'award-card__outcome' : 'award-card__outcome award-card__outcome--failed'}>{outcome.text}</Text>
      ) : null}

      {rejecting ? (
        <RejectReasonForm busy={busy} onCancel={onCancelReject} onConfirm={onReject} />
      ) : canApprove || canReject ? (
        <View className='wb-actions'>
          {canReject ? (
            <Button className='btn btn--plain wb-action award-card__reject-button' disabled={busy || undefined} onClick={onStartReject}>
              驳回
            </Button>
          ) : null}
          {canApprove ? (
            <Button
              className='btn btn--primary wb-action award-card__approve'
              loading={busy || undefined}
              disabled={busy || undefined}
              onClick={onApprove}
            >
              通过
            </Button>
          ) : null}
        </View>
      ) : null}
    </View>
  )
}
