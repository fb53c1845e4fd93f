import { useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import { api, CASE_COLOUR_LABELS, CASE_FIGURE_LABELS, CASE_STATUS_LABELS, CaseFigure, type CaseView } from '@anju/shared'
import { call } from '../api'
import { CaseDrawer, time } from '../components/CaseDrawer'
import { DataTable, type TableColumn } from '../components/DataTable'
import { Loaded } from '../components/States'
import { ScopeBar } from '../components/ScopeBar'
import { useLoad, useScope } from '../hooks'

/** Up to this many cases are fetched for one list (and its export). */
const MAX_ROWS = 2000

export const caseColumns: TableColumn<CaseView>[] = [
  { key: 'number', title: '案件编号', value: (c) => c.number },
  { key: 'colour', title: '预警', value: (c) => CASE_COLOUR_LABELS[c.colour], render: (c) => <span className={`chip chip--${c.colour}`}>{CASE_COLOUR_LABELS[c.colour]}</span> },
  { key: 'category', title: '类别', value: (c) => c.category.name },
  { key: 'status', title: '状态', value: (c) => CASE_STATUS_LABELS[c.status] },
  { key: 'grid', title: '网格', value: (c) => c.grid.name },
  { key: 'assignee', title: '网格员', value: (c) => c.assignee?.displayName ?? '' },
  { key: 'createdAt', title: '提交时间', value: (c) => time(c.createdAt) },
  { key: 'resolveDueAt', title: '办结时限', value: (c) => time(c.resolveDueAt) },
  { key: 'overdue', title: '超期', value: (c) => (c.overdue ? '是' : '否') },
]

/** The cases behind one figure of the overview, all pages of them (up to MAX_ROWS), newest first. */
export function CasesPage() {
  const { regionId, from, to } = useScope()
  const [params] = useSearchParams()
  const figure = CaseFigure.catch('filed').parse(params.get('figure'))
  const gridId = params.get('gridId') ? Number(params.get('gridId')) : undefined
  const assigneeId = params.get('assigneeId') !== null ? Number(params.get('assigneeId')) : undefined
  const [open, setOpen] = useState<number | null>(null)
  const state = useLoad(async () => {
    const items: CaseView[] = []
    let cursor: string | undefined
    do {
      const page = await call(api.consoleCases, { query: { regionId, from, to, figure, gridId, assigneeId, cursor, limit: 200 } })
      items.push(...page.items)
      cursor = page.next ?? undefined
    } while (cursor && items.length < MAX_ROWS)
    return { items, more: Boolean(cursor) }
  }, [regionId, from, to, figure, gridId, assigneeId])
  const what = `${CASE_FIGURE_LABELS[figure]}${gridId ? ' · 指定网格' : ''}${assigneeId !== undefined ? (assigneeId ? ' · 指定网格员' : ' · 未派单') : ''}`
  return (
    <div className='page'>
      <ScopeBar title={`案件清单：${what}`} />
      <Loaded state={state} empty={(d) => (d.items.length ? null : '没有符合条件的案件')}>
        {(d) => (
          <>
            {d.more ? <div className='state'>只列出最新的 {MAX_ROWS} 件，请缩小时间范围</div> : null}
            <DataTable id='case-list' title={`共 ${d.items.length} 件`} columns={caseColumns} rows={d.items} rowKey={(c) => c.id}
              exportName={`案件清单_${CASE_FIGURE_LABELS[figure]}_${from}_${to}`} onRowClick={(c) => setOpen(c.id)} />
          </>
        )}
      </Loaded>
      {open ? <CaseDrawer caseId={open} onClose={() => setOpen(null)} onChanged={() => void state.reload()} /> : null}
    </div>
  )
}
