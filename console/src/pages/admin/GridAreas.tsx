import { useMemo, useState } from 'react'
import { api } from '@anju/shared'
import { call, errorMessage, newIdempotencyKey } from '../../api'
import { eventLatLng, GridMap, type LatLng, type MapShape } from '../../components/GridMap'
import { Loaded } from '../../components/States'
import { ScopeBar } from '../../components/ScopeBar'
import { useLoad, useScope } from '../../hooks'

const round6 = (v: number) => Math.round(v * 1e6) / 1e6

/**
 * 网格范围: the grids of the area on the same SVG map as the heat map. Choose a grid, drag its corners, or draw it
 * anew by clicking corner after corner, then save (PUT /api/admin/grids/:id/area); new reports are located by it.
 */
export function GridAreasPage() {
  const { regionId } = useScope()
  const state = useLoad(() => call(api.adminGridAreas, { query: { regionId } }), [regionId])
  const [selected, setSelected] = useState<number | null>(null)
  const [draft, setDraft] = useState<LatLng[] | null>(null)
  const [drawing, setDrawing] = useState(false)
  const [dragging, setDragging] = useState<number | null>(null)
  const [message, setMessage] = useState('')
  const [error, setError] = useState('')
  const [key, setKey] = useState(newIdempotencyKey)
  const grids = state.data?.items ?? []
  const current = grids.find((g) => g.id === selected)
  const points = draft ?? current?.polygon ?? []
  const shapes: MapShape[] = useMemo(() => grids.filter((g) => g.polygon && g.id !== selected).map((g) => ({
    id: g.id, name: g.name, polygon: g.polygon!, fill: '#eef2f7', details: [g.community],
  })), [grids, selected])
  const frame = useMemo(() => grids.flatMap((g) => g.polygon ?? []), [grids])

  const choose = (id: number) => {
    setSelected(id)
    setDraft(null)
    setDrawing(false)
    setMessage('')
    setError('')
  }
  const save = async () => {
    if (!selected || points.length < 3) return
    setError('')
    try {
      await call(api.setGridArea, { params: { regionId: selected }, body: { polygon: points.map(([a, b]) => [round6(a), round6(b)] as [number, number]) }, idempotencyKey: key })
      setKey(newIdempotencyKey())
      setMessage(`已保存「${current?.name}」的范围（${points.length} 个点）；此后的上报按新范围落格`)
      setDraft(null)
      setDrawing(false)
      await state.reload()
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  return (
    <div className='page'>
      <ScopeBar title='网格范围' period={false} />
      <Loaded state={state} empty={(d) => (d.items.length ? null : '该区域下没有网格')}>
        {() => (
          <div className='heatmap__body'>
            <GridMap id='grid-editor' shapes={shapes} extraPoints={frame.length ? frame : points} selected={null} onSelect={choose}>
              {(proj) => (
                <g>
                  <rect x={0} y={0} width={760} height={520} fill='transparent'
                    style={{ pointerEvents: drawing || dragging !== null ? 'all' : 'none', cursor: drawing ? 'crosshair' : 'default' }}
                    onClick={(e) => {
                      if (!drawing) return
                      setDraft([...(draft ?? []), eventLatLng(e, proj)])
                      setKey(newIdempotencyKey())
                    }}
                    onMouseMove={(e) => {
                      if (dragging === null) return
                      const next = [...points]
                      next[dragging] = eventLatLng(e, proj)
                      setDraft(next)
                    }}
                    onMouseUp={() => {
                      setDragging(null)
                      setKey(newIdempotencyKey())
                    }} />
                  {points.length ? (
                    <polygon points={points.map((p) => proj.toXY(p).join(',')).join(' ')} className='edit-shape' style={{ pointerEvents: 'none' }} />
                  ) : null}
                  {points.map((p, i) => {
                    const [x, y] = proj.toXY(p)
                    return <circle key={i} cx={x} cy={y} r={7} className='edit-handle' data-vertex={i}
                      onMouseDown={(e) => { e.stopPropagation(); if (!drawing) setDragging(i) }} />
                  })}
                </g>
              )}
            </GridMap>
            <div className='legend editor-panel'>
              <b>网格</b>
              <ul className='grid-list'>
                {grids.map((g) => (
                  <li key={g.id}>
                    <button type='button' data-grid-id={g.id} className={g.id === selected ? 'chip chip--on' : 'chip'} onClick={() => choose(g.id)}>
                      {g.name}{g.polygon ? '' : '（未设置）'}
                    </button>
                  </li>
                ))}
              </ul>
              {current ? (
                <>
                  <p className='muted'>{current.community} · {current.name}：拖动圆点调整边界，或重新绘制后逐点单击。</p>
                  <div className='case-actions__buttons'>
                    <button type='button' id='redraw' className='btn btn--small' onClick={() => { setDraft([]); setDrawing(true); setMessage('') }}>重新绘制</button>
                    {drawing ? <button type='button' className='btn btn--small' disabled={(draft?.length ?? 0) < 3} onClick={() => setDrawing(false)}>完成绘制</button> : null}
                    <button type='button' id='save-area' className='btn btn--primary btn--small' disabled={!draft || points.length < 3 || drawing} onClick={() => void save()}>保存范围</button>
                    {draft ? <button type='button' className='btn btn--ghost btn--small' onClick={() => { setDraft(null); setDrawing(false) }}>放弃修改</button> : null}
                  </div>
                  <p className='muted'>{points.length} 个点（GCJ-02）</p>
                </>
              ) : <p className='muted'>选择一个网格开始编辑</p>}
              {message ? <div className='notice' id='area-notice'>{message}</div> : null}
              {error ? <div className='state state--error' role='alert'>{error}</div> : null}
            </div>
          </div>
        )}
      </Loaded>
    </div>
  )
}
