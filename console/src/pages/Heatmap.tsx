import { useState } from 'react'
import { api, type Heatmap } from '@anju/shared'
import { call } from '../api'
import { DataTable, percent } from '../components/DataTable'
import { GridMap, scale, type MapShape } from '../components/GridMap'
import { Loaded } from '../components/States'
import { ScopeBar } from '../components/ScopeBar'
import { useLoad, useScope } from '../hooks'

type Measure = 'density' | 'overdue'
const BLUE: [number, number, number] = [22, 119, 255]
const RED: [number, number, number] = [220, 38, 38]

/** Case density and overdue share per grid, week by week, on our own grid polygons. */
export function HeatmapPage() {
  const { regionId, from, to } = useScope()
  const state = useLoad(() => call(api.consoleHeatmap, { query: { regionId, from, to } }), [regionId, from, to])
  return (
    <div className='page'>
      <ScopeBar title='案件热力图' />
      <Loaded state={state} empty={(h) => (h.grids.length ? null : '该区域下没有网格')}>
        {(h) => <HeatmapBody key={`${h.from}-${h.to}-${h.region.id}`} h={h} />}
      </Loaded>
    </div>
  )
}

function HeatmapBody({ h }: { h: Heatmap }) {
  const [week, setWeek] = useState(h.weeks.length) // the last position is the whole period
  const [measure, setMeasure] = useState<Measure>('density')
  const whole = week >= h.weeks.length
  const at = (values: number[]) => (whole ? values.reduce((a, b) => a + b, 0) : (values[week] ?? 0))
  const rows = h.grids.map((g) => {
    const filed = at(g.filed)
    const overdue = at(g.overdue)
    return {
      ...g, filedNow: filed, overdueNow: overdue,
      density: g.areaKm2 ? filed / g.areaKm2 : null,
      overdueShare: filed ? overdue / filed : null,
    }
  })
  const maxDensity = Math.max(0, ...rows.map((r) => r.density ?? 0))
  const shapes: MapShape[] = rows.filter((r) => r.polygon).map((r) => ({
    id: r.id, name: r.name, polygon: r.polygon!,
    fill: measure === 'density'
      ? scale(maxDensity ? (r.density ?? 0) / maxDensity : 0, BLUE)
      : r.overdueShare === null ? '#f5f5f5' : scale(r.overdueShare, RED, [255, 247, 230]),
    label: measure === 'density' ? `${r.filedNow} 件` : r.overdueShare === null ? '无案件' : `超期 ${percent(r.overdueShare)}`,
    details: [
      `${r.community}`,
      `案件 ${r.filedNow} 件，面积 ${r.areaKm2 ?? '—'} km²`,
      `密度 ${r.density === null ? '—' : r.density.toFixed(1)} 件/km²`,
      `超期 ${r.overdueNow} 件（${percent(r.overdueShare)}）`,
    ],
  }))
  const period = whole ? `${h.from} 至 ${h.to}` : `${h.weeks[week]!.from} 至 ${h.weeks[week]!.to}`
  return (
    <div className='heatmap'>
      <div className='heatmap__controls'>
        <div className='segmented'>
          <button type='button' className={measure === 'density' ? 'on' : ''} onClick={() => setMeasure('density')}>案件密度</button>
          <button type='button' id='measure-overdue' className={measure === 'overdue' ? 'on' : ''} onClick={() => setMeasure('overdue')}>超期占比</button>
        </div>
        <label className='slider'>
          <span>按周查看</span>
          <input id='week-slider' type='range' min={0} max={h.weeks.length} value={week} onChange={(e) => setWeek(Number(e.target.value))} />
          <span id='week-label' className='slider__label'>{whole ? `整个期间（${period}）` : `第 ${week + 1} 周（${period}）`}</span>
        </label>
      </div>
      <div className='heatmap__body'>
        <GridMap id='heatmap-svg' shapes={shapes} />
        <div className='legend'>
          <b>{measure === 'density' ? '案件密度（件/km²）' : '超期占比'}</b>
          {[0, 0.25, 0.5, 0.75, 1].map((t) => (
            <div key={t} className='legend__row'>
              <span className='legend__swatch' style={{ background: measure === 'density' ? scale(t, BLUE) : scale(t, RED, [255, 247, 230]) }} />
              {measure === 'density' ? (maxDensity * t).toFixed(1) : `${Math.round(t * 100)}%`}
            </div>
          ))}
          {rows.some((r) => !r.polygon) ? <p className='muted'>未设置范围的网格只在下表中列出</p> : null}
        </div>
      </div>
      <DataTable id='heatmap-table' title={`各网格（${period}）`} rowKey={(r) => r.id} rows={[...rows].sort((a, b) => b.filedNow - a.filedNow)}
        exportName={`网格热力_${h.region.name}_${period}`}
        columns={[
          { key: 'name', title: '网格', value: (r) => r.name },
          { key: 'community', title: '所属社区', value: (r) => r.community },
          { key: 'filed', title: '案件数', align: 'right', value: (r) => r.filedNow },
          { key: 'area', title: '面积（km²）', align: 'right', value: (r) => r.areaKm2 },
          { key: 'density', title: '密度（件/km²）', align: 'right', value: (r) => (r.density === null ? null : Math.round(r.density * 10) / 10) },
          { key: 'overdue', title: '超期数', align: 'right', value: (r) => r.overdueNow },
          { key: 'share', title: '超期占比', align: 'right', percent: true, value: (r) => r.overdueShare },
        ]} />
    </div>
  )
}
