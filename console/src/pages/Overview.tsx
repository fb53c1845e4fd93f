import { Link } from 'react-router-dom'
import { api, CASE_FIGURE_LABELS, REGION_LEVEL_LABELS, type CaseFigure, type MetricsRow, type Overview } from '@anju/shared'
import { call } from '../api'
import { Chart } from '../components/Chart'
import { DataTable, percent, type TableColumn } from '../components/DataTable'
import { Loaded } from '../components/States'
import { ScopeBar } from '../components/ScopeBar'
import { useLoad, useScope } from '../hooks'

type Filter = { figure: CaseFigure; regionId?: number; gridId?: number; assigneeId?: number }

/** The overview of a region and period; every figure opens the list of cases behind it. */
export function OverviewPage() {
  const { regionId, from, to } = useScope()
  const state = useLoad(() => call(api.consoleOverview, { query: { regionId, from, to } }), [regionId, from, to])
  const casesLink = (f: Filter) => {
    const p = new URLSearchParams({ regionId: String(f.regionId ?? regionId), from, to, figure: f.figure })
    if (f.gridId) p.set('gridId', String(f.gridId))
    if (f.assigneeId !== undefined) p.set('assigneeId', String(f.assigneeId))
    return `/cases?${p.toString()}`
  }
  return (
    <div className='page'>
      <ScopeBar title='区域概览' />
      <Loaded state={state}>
        {(o) => <OverviewBody o={o} casesLink={casesLink} />}
      </Loaded>
    </div>
  )
}

function OverviewBody({ o, casesLink }: { o: Overview; casesLink: (f: Filter) => string }) {
  const c = o.cases
  const kpis: { label: string; value: string; sub: string; figure: CaseFigure; id: string }[] = [
    { id: 'kpi-filed', label: '案件总数', value: String(c.filed), sub: `不予受理 ${c.rejected}`, figure: 'filed' },
    { id: 'kpi-completion', label: '办结率', value: percent(c.completionRate), sub: `办结 ${c.closed} / ${c.total}`, figure: 'closed' },
    { id: 'kpi-ontime', label: '按时办结率', value: percent(c.onTimeRate), sub: `按时办结 ${c.closedOnTime}`, figure: 'closed_on_time' },
    { id: 'kpi-accepted', label: '按时受理', value: percent(c.acceptedOnTimeRate), sub: `按时受理 ${c.acceptedOnTime} / ${c.accepted}`, figure: 'accepted_on_time' },
    { id: 'kpi-satisfaction', label: '满意率', value: percent(c.satisfactionRate), sub: `满意 ${c.satisfied} / 评价 ${c.rated}`, figure: 'satisfied' },
    { id: 'kpi-median', label: '办结用时中位数', value: c.medianHoursToClose === null ? '—' : `${c.medianHoursToClose.toFixed(1)} 小时`, sub: '按用时分段估算', figure: 'closed' },
    { id: 'kpi-open', label: '未办结', value: String(c.open), sub: `期间超期案件 ${c.overdue}（含已办结）`, figure: 'open' },
  ]
  const outcomes: { figure: CaseFigure; value: number; tone: string }[] = [
    { figure: 'fixed', value: c.fixed, tone: 'good' },
    { figure: 'not_fixed', value: c.notFixed, tone: 'bad' },
    { figure: 'no_action', value: c.noAction, tone: 'neutral' },
  ]
  const trend = {
    tooltip: { trigger: 'axis' as const },
    legend: { data: ['提交', '办结', '超期'], top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category' as const, data: o.daily.map((d) => d.day.slice(5)) },
    yAxis: { type: 'value' as const, minInterval: 1 },
    series: [
      { name: '提交', type: 'line' as const, data: o.daily.map((d) => d.filed), smooth: true },
      { name: '办结', type: 'line' as const, data: o.daily.map((d) => d.closed), smooth: true },
      { name: '超期', type: 'bar' as const, data: o.daily.map((d) => d.overdue), barMaxWidth: 8 },
    ],
  }
  const topCategories = o.categories.slice(0, 10).reverse()
  const categoriesChart = {
    tooltip: { trigger: 'axis' as const },
    grid: { left: 96, right: 24, top: 8, bottom: 24 },
    xAxis: { type: 'value' as const, minInterval: 1 },
    yAxis: { type: 'category' as const, data: topCategories.map((c) => c.name) },
    series: [{ name: '提交', type: 'bar' as const, data: topCategories.map((c) => c.filed), barMaxWidth: 16 }],
  }
  const childName = o.childLevel ? REGION_LEVEL_LABELS[o.childLevel] : ''
  return (
    <>
      <section className='kpis'>
        {kpis.map((k) => (
          <Link key={k.id} id={k.id} to={casesLink({ figure: k.figure })} className='kpi'>
            <span className='kpi__label'>{k.label}</span>
            <span className='kpi__value'>{k.value}</span>
            <span className='kpi__sub'>{k.sub}</span>
          </Link>
        ))}
      </section>

      <section className='panel-row'>
        <div className='panel'>
          <h3>如实结果（办结 {c.closed} 件）</h3>
          <div className='outcomes' id='outcomes'>
            {outcomes.map((x) => (
              <Link key={x.figure} to={casesLink({ figure: x.figure })} className={`outcome outcome--${x.tone}`}>
                <span className='outcome__value'>{x.value}</span>
                <span>{CASE_FIGURE_LABELS[x.figure]}</span>
                <span className='outcome__share'>{c.closed ? `${Math.round((x.value / c.closed) * 100)}%` : '—'}</span>
              </Link>
            ))}
          </div>
          <h3>积分</h3>
          <div className='mini-figures' id='points-figures'>
            <div><b>{o.points.issued}</b><span>发放</span></div>
            <div><b>{o.points.redeemed}</b><span>兑换</span></div>
            <div><b>{o.points.expired}</b><span>过期</span></div>
            <div><b>{o.points.outstanding}</b><span>期末未使用</span></div>
          </div>
          <h3>志愿巡逻</h3>
          <div className='mini-figures' id='patrol-figures'>
            <div><b>{o.patrols.valid}</b><span>有效巡逻</span></div>
            <div><b>{o.patrols.invalid}</b><span>无效巡逻</span></div>
            <div><b>{o.patrols.pending}</b><span>进行中/待判定</span></div>
            <div><b>{o.patrols.volunteerHours}</b><span>志愿时长（小时）</span></div>
          </div>
        </div>
        <div className='panel panel--wide'>
          <h3>每日案件</h3>
          {o.daily.length ? <Chart option={trend} height={250} /> : <div className='state state--empty'>期间没有案件</div>}
          <h3>类别（前 10）</h3>
          {topCategories.length ? <Chart option={categoriesChart} height={Math.max(120, topCategories.length * 26)} /> : null}
        </div>
      </section>

      {o.childLevel ? (
        <FigureTable id='by-child' title={`按${childName}`} rows={o.children} exportName={`按${childName}统计_${o.region.name}_${o.from}_${o.to}`}
          link={(r, figure) => (r.key.id && r.key.id !== o.region.id ? casesLink({ figure, regionId: r.key.id }) : casesLink({ figure }))} />
      ) : null}
      <FigureTable id='by-grid' title='按网格' rows={o.grids} exportName={`按网格统计_${o.region.name}_${o.from}_${o.to}`}
        link={(r, figure) => casesLink({ figure, gridId: r.key.id ?? undefined })} />
      <FigureTable id='by-worker' title='按网格员' rows={o.workers} exportName={`按网格员统计_${o.region.name}_${o.from}_${o.to}`}
        link={(r, figure) => casesLink({ figure, assigneeId: r.key.id ?? 0 })} />
    </>
  )
}

/** Figures per group; each count opens the cases behind it. */
function FigureTable({ id, title, rows, exportName, link }: {
  id: string; title: string; rows: MetricsRow[]; exportName: string; link: (row: MetricsRow, figure: CaseFigure) => string
}) {
  const count = (key: keyof MetricsRow, figure: CaseFigure, titleText: string): TableColumn<MetricsRow> => ({
    key: String(key), title: titleText, align: 'right', value: (r) => r[key] as number,
    render: (r) => <Link to={link(r, figure)}>{r[key] as number}</Link>,
  })
  const rate = (key: keyof MetricsRow, titleText: string): TableColumn<MetricsRow> => ({
    key: String(key), title: titleText, align: 'right', percent: true, value: (r) => r[key] as number | null,
  })
  const columns: TableColumn<MetricsRow>[] = [
    { key: 'name', title: '名称', value: (r) => r.key.name || '—' },
    count('filed', 'filed', '提交'),
    count('closed', 'closed', '办结'),
    rate('completionRate', '办结率'),
    rate('onTimeRate', '按时办结率'),
    rate('satisfactionRate', '满意率'),
    count('fixed', 'fixed', '已解决'),
    count('notFixed', 'not_fixed', '未能解决'),
    count('noAction', 'no_action', '无需处置'),
    count('open', 'open', '未办结'),
    count('overdue', 'overdue', '超期'),
    { key: 'median', title: '办结用时中位数（小时）', align: 'right', value: (r) => r.medianHoursToClose },
  ]
  return (
    <DataTable id={id} title={title} columns={columns} rows={rows} rowKey={(r) => r.key.id ?? 0} exportName={exportName} />
  )
}
