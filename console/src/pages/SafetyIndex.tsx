import { useEffect, useState } from 'react'
import {
  api, INDICATOR_DIRECTION_LABELS, INDICATOR_SOURCE_LABELS, type SafetyIndicator,
} from '@anju/shared'
import { call, errorMessage, newIdempotencyKey } from '../api'
import { Chart } from '../components/Chart'
import { DataTable } from '../components/DataTable'
import { Loaded } from '../components/States'
import { ScopeBar } from '../components/ScopeBar'
import { chinaToday, useLoad, useScope, useSession } from '../hooks'

function previousMonth(day: string) {
  const [y, m] = day.split('-').map(Number) as [number, number]
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7)
}
const fmt = (v: number | null, digits = 1) => (v === null ? '—' : String(Math.round(v * 10 ** digits) / 10 ** digits))

/** 平安指数 of a region and month: enter the departments' figures, check the computation, publish it. */
export function SafetyIndexPage() {
  const { regionId } = useScope()
  const session = useSession()
  const [month, setMonth] = useState(previousMonth(chinaToday()))
  const state = useLoad(() => call(api.safetyIndexPreview, { query: { regionId, month } }), [regionId, month])
  const [values, setValues] = useState<Record<string, string>>({})
  const [notice, setNotice] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  // One key per attempt: a retry after a lost answer saves or publishes once.
  const [saveKey, setSaveKey] = useState(newIdempotencyKey)
  const [publishKey, setPublishKey] = useState(newIdempotencyKey)

  useEffect(() => {
    if (state.data) setValues(Object.fromEntries(state.data.manual.map((m) => [m.code, m.value === null ? '' : String(m.value)])))
  }, [state.data])

  const save = async () => {
    setBusy(true)
    setError('')
    setNotice('')
    try {
      const filled = Object.entries(values).filter(([, v]) => v.trim() !== '').map(([code, v]) => ({ code, value: Number(v) }))
      if (filled.some((f) => !Number.isFinite(f.value) || f.value < 0)) throw new Error('请填写不小于 0 的数字')
      await call(api.safetyIndexInputs, { body: { regionId, month, values: filled }, idempotencyKey: saveKey })
      setSaveKey(newIdempotencyKey())
      setNotice('已保存录入的数值')
      await state.reload()
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }
  const publish = async () => {
    setBusy(true)
    setError('')
    setNotice('')
    try {
      const published = await call(api.publishSafetyIndex, { body: { regionId, month }, idempotencyKey: publishKey })
      setPublishKey(newIdempotencyKey())
      setNotice(`已发布 ${published.month} 平安指数：${published.score} 分，居民可在小程序中查看`)
      await state.reload()
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className='page'>
      <ScopeBar title='平安指数' period={false} />
      <div className='filters'>
        <label>月份 <input id='si-month' type='month' value={month} max={chinaToday().slice(0, 7)} onChange={(e) => e.target.value && setMonth(e.target.value)} /></label>
      </div>
      {notice ? <div className='notice' id='si-notice'>{notice}</div> : null}
      {error ? <div className='state state--error' role='alert' id='si-error'>{error}</div> : null}
      <Loaded state={state}>
        {(p) => (
          <>
            <section className='panel-row'>
              <div className='panel'>
                <h3>{p.region.name} · {p.month}</h3>
                <div className='index-score' id='si-score'>{fmt(p.result.score)}</div>
                <p className='muted'>
                  {p.published ? `已发布：${p.published.score} 分（${p.published.publishedBy}，${new Date(p.published.publishedAt).toLocaleString('zh-CN', { hour12: false })}）` : '本月尚未发布'}
                  {p.published && p.result.score !== p.published.score ? '；当前数据计算结果与已发布的不同，可重新发布更正' : ''}
                </p>
                <p className='muted'>网格数 {p.gridCount}：件数类指标按每网格计分</p>
                <h3>部门提供的数据（{p.month}）</h3>
                <form className='si-inputs' onSubmit={(e) => { e.preventDefault(); void save() }}>
                  {p.manual.map((m) => (
                    <label key={m.code} title={m.explanation}>
                      <span>{m.name}</span>
                      <input data-code={m.code} type='number' min={0} step='any' value={values[m.code] ?? ''}
                        onChange={(e) => { setValues({ ...values, [m.code]: e.target.value }); setSaveKey(newIdempotencyKey()) }} />
                    </label>
                  ))}
                  <div className='actions'>
                    <button id='si-save' type='submit' className='btn' disabled={busy}>保存录入</button>
                    <button id='si-publish' type='button' className='btn btn--primary' disabled={busy || !p.monthEnded || p.missing.length > 0} onClick={() => void publish()}>
                      {p.published ? '重新发布' : '发布'}
                    </button>
                  </div>
                  {!p.monthEnded ? <p className='muted'>该月尚未结束，月末后才能发布</p> : null}
                  {p.missing.length ? <p className='muted'>尚未录入：{p.missing.join('、')}</p> : null}
                </form>
              </div>
              <div className='panel panel--wide'>
                <h3>已发布的走势</h3>
                {p.trend.length ? (
                  <Chart height={240} option={{
                    tooltip: { trigger: 'axis' },
                    grid: { left: 40, right: 16, top: 16, bottom: 28 },
                    xAxis: { type: 'category', data: p.trend.map((t) => t.month) },
                    yAxis: { type: 'value', min: 0, max: 100 },
                    series: [{ name: '平安指数', type: 'line', data: p.trend.map((t) => t.score), label: { show: true } }],
                  }} />
                ) : <div className='state state--empty'>还没有发布过</div>}
                <h3>一级指标</h3>
                <div className='mini-figures'>
                  {p.result.primaries.map((x) => <div key={x.code}><b>{fmt(x.score)}</b><span>{x.name}（权重 {x.weight}）</span></div>)}
                </div>
              </div>
            </section>
            <DataTable id='si-table' title='各项指标' exportName={`平安指数_${p.region.name}_${p.month}`}
              rowKey={(r) => r.code}
              rows={p.result.primaries.flatMap((x) => x.indicators.map((i) => ({ ...i, primary: x.name })))}
              columns={[
                { key: 'primary', title: '一级指标', value: (r) => r.primary },
                { key: 'name', title: '二级指标', value: (r) => r.name },
                { key: 'source', title: '来源', value: (r) => INDICATOR_SOURCE_LABELS[r.source] },
                { key: 'direction', title: '方向', value: (r) => INDICATOR_DIRECTION_LABELS[r.direction] },
                { key: 'weight', title: '权重', align: 'right', value: (r) => r.weight },
                { key: 'raw', title: '原始值', align: 'right', value: (r) => r.raw },
                { key: 'value', title: '计分值', align: 'right', value: (r) => r.value },
                { key: 'score', title: '得分', align: 'right', value: (r) => r.score },
                { key: 'explanation', title: '说明', value: (r) => r.explanation },
              ]} />
            {session?.user.role === 'admin' ? <IndicatorEditor /> : null}
          </>
        )}
      </Loaded>
    </div>
  )
}

/** Administrators tune weights, targets, limits and wording; the server checks the whole set before saving. */
function IndicatorEditor() {
  const state = useLoad(() => call(api.safetyIndicators), [])
  const [draft, setDraft] = useState<SafetyIndicator[] | null>(null)
  const [message, setMessage] = useState('')
  const [key, setKey] = useState(newIdempotencyKey)
  const items = draft ?? state.data?.items ?? []
  const change = (code: string, patch: Partial<SafetyIndicator>) => {
    setDraft(items.map((i) => (i.code === code ? { ...i, ...patch } : i)))
    setKey(newIdempotencyKey())
  }
  const save = async () => {
    try {
      await call(api.setSafetyIndicators, { body: { items }, idempotencyKey: key })
      setMessage('指标配置已保存；已发布的月份不受影响')
      setDraft(null)
      await state.reload()
    } catch (err) {
      setMessage(errorMessage(err))
    }
  }
  return (
    <div className='table-card'>
      <div className='table-card__head'>
        <h3>指标配置（管理员）</h3>
        <div className='table-card__tools'>
          {message ? <span className='muted'>{message}</span> : null}
          <button type='button' className='btn btn--primary btn--small' disabled={!draft} onClick={() => void save()}>保存配置</button>
        </div>
      </div>
      <table className='data-table'>
        <thead><tr><th>指标</th><th>层级</th><th>来源</th><th>权重</th><th>满分值</th><th>零分值</th><th>说明</th></tr></thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.code}>
              <td>{i.name}</td>
              <td>{i.parentCode ? `二级（${items.find((p) => p.code === i.parentCode)?.name ?? ''}）` : '一级'}</td>
              <td>{i.source ? INDICATOR_SOURCE_LABELS[i.source] : '—'}</td>
              <td><input type='number' min={0} step='any' value={i.weight} style={{ width: 70 }} onChange={(e) => change(i.code, { weight: Number(e.target.value) })} /></td>
              <td>{i.parentCode ? <input type='number' min={0} step='any' value={i.target} style={{ width: 80 }} onChange={(e) => change(i.code, { target: Number(e.target.value) })} /> : '—'}</td>
              <td>{i.parentCode ? <input type='number' min={0} step='any' value={i.limit} style={{ width: 80 }} onChange={(e) => change(i.code, { limit: Number(e.target.value) })} /> : '—'}</td>
              <td><input value={i.explanation} style={{ width: 260 }} onChange={(e) => change(i.code, { explanation: e.target.value })} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
