import { useState } from 'react'
import {
  api, CASE_COLOUR_LABELS, CASE_COLOURS, CASE_STATUS_LABELS, DEADLINE_STATE_LABELS, DEADLINE_STATES, type CaseColour, type CaseView,
  type DeadlineState,
} from '@anju/shared'
import { call } from '../api'
import { CaseActions, CaseDrawer, time } from '../components/CaseDrawer'
import { caseColumns } from './Cases'
import { DataTable } from '../components/DataTable'
import { Loaded } from '../components/States'
import { ScopeBar } from '../components/ScopeBar'
import { useLoad, useScope } from '../hooks'

const deadlineOf = (c: CaseView) => (c.status === 'submitted' || c.status === 'escalated' ? c.responseDueAt : c.resolveDueAt)

/** 红黄绿 board: open cases by colour and deadline state, nearest deadline first, with the workbench's actions. */
export function BoardPage() {
  const { regionId } = useScope()
  const [colour, setColour] = useState<CaseColour | undefined>()
  const [state, setState] = useState<DeadlineState | undefined>()
  const [open, setOpen] = useState<number | null>(null)
  const [pages, setPages] = useState(1)
  const board = useLoad(async () => {
    const first = await call(api.consoleBoard, { query: { regionId, colour, state, limit: 30 } })
    let { items, next } = first
    for (let i = 1; i < pages && next; i++) {
      const more = await call(api.consoleBoard, { query: { regionId, colour, state, limit: 30, cursor: next } })
      items = [...items, ...more.items]
      next = more.next
    }
    return { counts: first.counts, items, next }
  }, [regionId, colour, state, pages])
  const pick = (c: CaseColour | undefined, s: DeadlineState | undefined) => {
    setColour(c)
    setState(s)
    setPages(1)
  }
  return (
    <div className='page'>
      <ScopeBar title='红黄绿看板' period={false} />
      <Loaded state={board}>
        {(b) => (
          <>
            <table className='board-grid' id='board-counts'>
              <thead>
                <tr>
                  <th />
                  {DEADLINE_STATES.map((s) => <th key={s}>{DEADLINE_STATE_LABELS[s]}</th>)}
                  <th>合计</th>
                </tr>
              </thead>
              <tbody>
                {CASE_COLOURS.map((c) => {
                  const cells = b.counts.filter((x) => x.colour === c)
                  const total = cells.reduce((n, x) => n + x.count, 0)
                  return (
                    <tr key={c}>
                      <th><span className={`chip chip--${c}`}>{CASE_COLOUR_LABELS[c]}</span></th>
                      {DEADLINE_STATES.map((s) => {
                        const n = cells.find((x) => x.state === s)?.count ?? 0
                        const on = colour === c && state === s
                        return (
                          <td key={s}>
                            <button type='button' data-cell={`${c}-${s}`} className={`board-cell board-cell--${s}${on ? ' board-cell--on' : ''}`} onClick={() => (on ? pick(undefined, undefined) : pick(c, s))}>{n}</button>
                          </td>
                        )
                      })}
                      <td><button type='button' className={colour === c && !state ? 'board-cell board-cell--on' : 'board-cell'} onClick={() => pick(c, undefined)}>{total}</button></td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
            <div className='filters'>
              {colour || state ? (
                <>
                  <span>筛选：{colour ? CASE_COLOUR_LABELS[colour] : '全部颜色'} · {state ? DEADLINE_STATE_LABELS[state] : '全部'}</span>
                  <button type='button' className='btn btn--ghost btn--small' onClick={() => pick(undefined, undefined)}>清除筛选</button>
                </>
              ) : <span className='muted'>按时限先后排列；点击格子筛选</span>}
            </div>
            {b.items.length === 0 ? <div className='state state--empty'>没有未办结的案件</div> : (
              <DataTable id='board-list' title={`未办结 ${b.items.length} 件${b.next ? '（还有更多）' : ''}`} rowKey={(c) => c.id}
                exportName='红黄绿看板' onRowClick={(c) => setOpen(c.id)} rows={b.items}
                columns={[
                  ...caseColumns.slice(0, 6),
                  { key: 'deadline', title: '当前时限', value: (c) => time(deadlineOf(c)), render: (c) => <span className={c.overdue ? 'overdue' : undefined}>{time(deadlineOf(c))}</span> },
                  { key: 'statusLabel', title: '进展', value: (c) => CASE_STATUS_LABELS[c.status] },
                  { key: 'actions', title: '操作', noExport: true, value: () => '', render: (c) => <div onClick={(e) => e.stopPropagation()}><CaseActions c={c} onDone={() => void board.reload()} /></div> },
                ]} />
            )}
            {b.next ? <button type='button' className='btn' onClick={() => setPages(pages + 1)}>加载更多</button> : null}
          </>
        )}
      </Loaded>
      {open ? <CaseDrawer caseId={open} onClose={() => setOpen(null)} onChanged={() => void board.reload()} /> : null}
    </div>
  )
}
