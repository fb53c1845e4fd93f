import { useState } from 'react'
import { api, type Rankings } from '@anju/shared'
import { call } from '../api'
import { DataTable, percent } from '../components/DataTable'
import { Loaded } from '../components/States'
import { ScopeBar } from '../components/ScopeBar'
import { chinaToday, useLoad, useScope } from '../hooks'

type Metric = 'completionRate' | 'onTimeRate' | 'satisfactionRate' | 'safetyIndex'
const METRICS: { key: Metric; label: string }[] = [
  { key: 'completionRate', label: '办结率' },
  { key: 'onTimeRate', label: '按时办结率' },
  { key: 'satisfactionRate', label: '满意率' },
  { key: 'safetyIndex', label: '平安指数' },
]

/** Rank of each unit by a metric (no figure ranks last). */
function ranks(items: Rankings['items'], pick: (i: Rankings['items'][number]) => number | null) {
  const sorted = [...items].sort((a, b) => (pick(b) ?? -1) - (pick(a) ?? -1))
  return new Map(sorted.map((u, n) => [u.id, pick(u) === null ? null : n + 1]))
}

/** Communities and grids by 办结率, on-time rate, satisfaction and 平安指数, this month beside last month. */
export function RankingsPage() {
  const { regionId } = useScope()
  const [month, setMonth] = useState(chinaToday().slice(0, 7))
  const [level, setLevel] = useState<'community' | 'grid'>('community')
  const [metric, setMetric] = useState<Metric>('completionRate')
  const state = useLoad(() => call(api.consoleRankings, { query: { regionId, month, level } }), [regionId, month, level])
  const fmt = (v: number | null) => (metric === 'safetyIndex' ? (v === null ? '—' : v.toFixed(1)) : percent(v))
  return (
    <div className='page'>
      <ScopeBar title='排行榜' period={false} />
      <div className='filters'>
        <label>月份 <input id='rank-month' type='month' value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} /></label>
        <div className='segmented'>
          <button type='button' className={level === 'community' ? 'on' : ''} onClick={() => setLevel('community')}>社区</button>
          <button type='button' className={level === 'grid' ? 'on' : ''} onClick={() => setLevel('grid')}>网格</button>
        </div>
        <div className='segmented'>
          {METRICS.map((m) => <button key={m.key} type='button' className={metric === m.key ? 'on' : ''} onClick={() => setMetric(m.key)}>{m.label}</button>)}
        </div>
      </div>
      <Loaded state={state} empty={(r) => (r.items.length ? null : '该区域下没有可排行的单位')}>
        {(r) => {
          const now = ranks(r.items, (u) => u.current[metric])
          const before = ranks(r.items, (u) => u.previous[metric])
          const rows = [...r.items].sort((a, b) => (now.get(a.id) ?? 1e9) - (now.get(b.id) ?? 1e9))
          const label = METRICS.find((m) => m.key === metric)!.label
          return (
            <DataTable id='rankings' title={`${r.month} ${label}排行（对比 ${r.previousMonth}）`} rows={rows} rowKey={(u) => u.id}
              exportName={`排行榜_${label}_${r.region.name}_${r.month}`}
              columns={[
                { key: 'rank', title: '名次', align: 'right', value: (u) => now.get(u.id) ?? null },
                { key: 'name', title: level === 'community' ? '社区' : '网格', value: (u) => u.name },
                { key: 'parent', title: '上级', value: (u) => u.parent },
                { key: 'current', title: `本月${label}`, align: 'right', percent: metric !== 'safetyIndex', value: (u) => u.current[metric], render: (u) => fmt(u.current[metric]) },
                { key: 'previous', title: `上月${label}`, align: 'right', percent: metric !== 'safetyIndex', value: (u) => u.previous[metric], render: (u) => fmt(u.previous[metric]) },
                { key: 'change', title: '名次变化', value: (u) => {
                  const a = now.get(u.id), b = before.get(u.id)
                  if (a == null || b == null) return '—'
                  return a < b ? `↑${b - a}` : a > b ? `↓${a - b}` : '持平'
                } },
                { key: 'total', title: '本月案件', align: 'right', value: (u) => u.current.total },
              ]} />
          )
        }}
      </Loaded>
    </div>
  )
}
