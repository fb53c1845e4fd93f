import { useState } from 'react'
import { api, CASE_FIGURE_LABELS } from '@anju/shared'
import { call } from '../api'
import { percent } from '../components/DataTable'
import { Loaded } from '../components/States'
import { ScopeBar } from '../components/ScopeBar'
import { chinaToday, useLoad, useScope } from '../hooks'

function monthRange(month: string) {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  const to = `${month}-${String(last).padStart(2, '0')}`
  return { from: `${month}-01`, to: to > chinaToday() ? chinaToday() : to }
}

/** The monthly report of a region as a printable page (浏览器打印或另存为 PDF). */
export function ReportPage() {
  const { regionId } = useScope()
  const [month, setMonth] = useState(() => {
    const [y, m] = chinaToday().split('-').map(Number) as [number, number]
    return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7)
  })
  const { from, to } = monthRange(month)
  const state = useLoad(async () => {
    const [overview, index] = await Promise.all([
      call(api.consoleOverview, { query: { regionId, from, to } }),
      call(api.safetyIndexPreview, { query: { regionId, month } }),
    ])
    return { overview, index }
  }, [regionId, month])
  return (
    <div className='page report'>
      <ScopeBar title='月度报告' period={false} />
      <div className='filters no-print'>
        <label>月份 <input type='month' value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} /></label>
        <button type='button' className='btn btn--primary' onClick={() => window.print()}>打印 / 另存为 PDF</button>
      </div>
      <Loaded state={state}>
        {({ overview: o, index }) => (
          <article className='report__body' id='report'>
            <h1>{o.region.name} {month.replace('-', ' 年 ')} 月 平安建设月度报告</h1>
            <p className='muted'>统计期间 {o.from} 至 {o.to}（北京时间）；生成于 {new Date().toLocaleString('zh-CN', { hour12: false })}</p>
            <h2>一、诉求办理</h2>
            <p>
              本月共受理群众诉求、举报和隐患线索 {o.cases.filed} 件（不予受理 {o.cases.rejected} 件），办结 {o.cases.closed} 件，
              办结率 {percent(o.cases.completionRate)}，按时办结率 {percent(o.cases.onTimeRate)}，满意率 {percent(o.cases.satisfactionRate)}，
              办结用时中位数约 {o.cases.medianHoursToClose === null ? '—' : `${o.cases.medianHoursToClose.toFixed(1)} 小时`}。
              如实办结结果：{CASE_FIGURE_LABELS.fixed} {o.cases.fixed} 件、{CASE_FIGURE_LABELS.not_fixed} {o.cases.notFixed} 件、{CASE_FIGURE_LABELS.no_action} {o.cases.noAction} 件。
              月末仍有 {o.cases.open} 件未办结。
            </p>
            <table className='data-table'>
              <thead><tr><th>单位</th><th className='num'>提交</th><th className='num'>办结</th><th className='num'>办结率</th><th className='num'>按时办结率</th><th className='num'>满意率</th><th className='num'>未能解决</th></tr></thead>
              <tbody>
                {o.children.map((r) => (
                  <tr key={r.key.id ?? 0}><td>{r.key.name}</td><td className='num'>{r.filed}</td><td className='num'>{r.closed}</td><td className='num'>{percent(r.completionRate)}</td><td className='num'>{percent(r.onTimeRate)}</td><td className='num'>{percent(r.satisfactionRate)}</td><td className='num'>{r.notFixed}</td></tr>
                ))}
              </tbody>
            </table>
            <h2>二、类别分布</h2>
            <p>{o.categories.slice(0, 8).map((c) => `${c.name} ${c.filed} 件`).join('，') || '本月无案件'}。</p>
            <h2>三、平安指数</h2>
            <p>
              {index.published ? `本月平安指数 ${index.published.score} 分（已发布）。` : `本月平安指数尚未发布，按当前数据计算为 ${index.result.score ?? '—'} 分。`}
              {index.result.primaries.map((p) => `${p.name} ${p.score ?? '—'} 分`).join('，')}。
            </p>
            <h2>四、积分与志愿巡逻</h2>
            <p>
              发放积分 {o.points.issued}，兑换 {o.points.redeemed}，过期 {o.points.expired}，月末未使用 {o.points.outstanding}。
              有效巡逻 {o.patrols.valid} 次，无效 {o.patrols.invalid} 次，志愿服务 {o.patrols.volunteerHours} 小时。
            </p>
          </article>
        )}
      </Loaded>
    </div>
  )
}
