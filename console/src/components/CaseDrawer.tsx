import { useState } from 'react'
import {
  api, CASE_ACTION_LABELS, CASE_COLOUR_LABELS, CASE_STATUS_LABELS, RESOLUTION_OUTCOME_LABELS, type CaseOffer, type CaseView,
} from '@anju/shared'
import { call, errorMessage, newIdempotencyKey } from '../api'
import { useLoad } from '../hooks'
import { Loaded } from './States'

export const time = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }).replace(/:\d\d$/, '')

const NEEDS_FORM: CaseOffer[] = ['reject', 'dispatch', 'escalate', 'close', 'regrade']

/**
 * One case: its file and timeline, and the actions the server offers this account, through the same case
 * action API as the workbench. `onChanged` is told after any action lands.
 */
export function CaseDrawer({ caseId, onClose, onChanged }: { caseId: number; onClose: () => void; onChanged: () => void }) {
  const state = useLoad(() => call(api.caseDetail, { params: { id: caseId } }), [caseId])
  return (
    <div className='drawer' role='dialog' aria-label='案件详情'>
      <div className='drawer__backdrop' onClick={onClose} />
      <div className='drawer__panel'>
        <button type='button' className='drawer__close btn btn--ghost btn--small' onClick={onClose}>关闭</button>
        <Loaded state={state}>
          {(c) => (
            <>
              <h2>{c.number} <span className={`chip chip--${c.colour}`}>{CASE_COLOUR_LABELS[c.colour]}</span></h2>
              <p className='muted'>{c.category.name} · {CASE_STATUS_LABELS[c.status]} · {c.grid.name}{c.assignee ? ` · ${c.assignee.displayName}` : ''}</p>
              <p className='case-text'>{c.text}</p>
              <dl className='facts'>
                <dt>地址</dt><dd>{c.location.address}</dd>
                <dt>提交</dt><dd>{time(c.createdAt)}</dd>
                <dt>受理时限</dt><dd>{time(c.responseDueAt)}</dd>
                <dt>办结时限</dt><dd>{time(c.resolveDueAt)}{c.overdue ? <span className='chip chip--red'>已超期</span> : null}</dd>
                {c.outcome ? (<><dt>处置结果</dt><dd>{RESOLUTION_OUTCOME_LABELS[c.outcome]}</dd></>) : null}
              </dl>
              <CaseActions c={c} onDone={() => { void state.reload(); onChanged() }} />
              <h3>时间线</h3>
              <ol className='timeline'>
                {c.timeline.map((e) => (
                  <li key={e.id}>
                    <b>{e.label}</b> <span className='muted'>{time(e.createdAt)}{e.actor ? ` · ${e.actor.displayName}` : ''}</span>
                    {e.note ? <div>{e.note}</div> : null}
                  </li>
                ))}
              </ol>
            </>
          )}
        </Loaded>
      </div>
    </div>
  )
}

/** The action buttons of a case, with the small form the action needs (reason, grid worker, outcome, colour). */
export function CaseActions({ c, onDone }: { c: CaseView; onDone: () => void }) {
  const [open, setOpen] = useState<CaseOffer | null>(null)
  const [text, setText] = useState('')
  const [assignee, setAssignee] = useState('')
  const [outcome, setOutcome] = useState<'fixed' | 'not_fixed' | 'no_action_needed'>('not_fixed')
  const [colour, setColour] = useState(c.colour)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  // One key per attempt at an action: a retry after a lost answer is the same action.
  const [key, setKey] = useState(newIdempotencyKey)
  const workers = useLoad(() => (open === 'dispatch' ? call(api.gridWorkers) : Promise.resolve({ items: [] })), [open])

  const send = async (action: CaseOffer) => {
    setBusy(true)
    setError('')
    try {
      if (action === 'regrade') {
        await call(api.regradeCase, { params: { id: c.id }, body: { colour, reason: text }, idempotencyKey: key })
      } else {
        const body =
          action === 'reject' || action === 'escalate' ? { action, reason: text }
            : action === 'dispatch' ? { action, assigneeId: Number(assignee) }
              : action === 'close' ? { action, note: text, ...(c.status === 'escalated' ? { outcome } : {}) }
                : { action }
        await call(api.caseAction, { params: { id: c.id }, body: body as never, idempotencyKey: key })
      }
      setOpen(null)
      setText('')
      setKey(newIdempotencyKey())
      onDone()
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }
  const label = (a: CaseOffer) => (a === 'regrade' ? '调整预警等级' : CASE_ACTION_LABELS[a])
  const offers = c.actions.filter((a) => a !== 'rate')
  if (offers.length === 0) return null
  return (
    <div className='case-actions'>
      <div className='case-actions__buttons'>
        {offers.map((a) => (
          <button key={a} type='button' data-action={a} className={open === a ? 'btn btn--primary btn--small' : 'btn btn--small'} disabled={busy}
            onClick={() => {
              setError('')
              if (NEEDS_FORM.includes(a)) setOpen(open === a ? null : a)
              else void send(a)
            }}>
            {label(a)}
          </button>
        ))}
      </div>
      {open ? (
        <form className='action-form' onSubmit={(e) => { e.preventDefault(); void send(open) }}>
          {open === 'dispatch' ? (
            <select aria-label='网格员' value={assignee} onChange={(e) => { setAssignee(e.target.value); setKey(newIdempotencyKey()) }} required>
              <option value=''>选择网格员</option>
              {(workers.data?.items ?? []).map((w) => <option key={w.id} value={w.id}>{w.displayName}（{w.region.name}）</option>)}
            </select>
          ) : null}
          {open === 'regrade' ? (
            <select aria-label='预警等级' value={colour} onChange={(e) => { setColour(e.target.value as typeof colour); setKey(newIdempotencyKey()) }}>
              {(['red', 'yellow', 'green'] as const).map((x) => <option key={x} value={x}>{CASE_COLOUR_LABELS[x]}</option>)}
            </select>
          ) : null}
          {open === 'close' && c.status === 'escalated' ? (
            <select aria-label='处置结果' value={outcome} onChange={(e) => { setOutcome(e.target.value as typeof outcome); setKey(newIdempotencyKey()) }}>
              <option value='fixed'>已解决</option>
              <option value='not_fixed'>未能解决</option>
              <option value='no_action_needed'>无需处置</option>
            </select>
          ) : null}
          {open !== 'dispatch' ? (
            <input aria-label='说明' placeholder={open === 'close' ? '办结说明' : '原因'} value={text}
              onChange={(e) => { setText(e.target.value); setKey(newIdempotencyKey()) }} required minLength={2} />
          ) : null}
          <button type='submit' className='btn btn--primary btn--small' disabled={busy}>{busy ? '提交中…' : `确认${label(open)}`}</button>
        </form>
      ) : null}
      {error ? <div className='state state--error' role='alert'>{error}</div> : null}
    </div>
  )
}
