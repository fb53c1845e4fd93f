import { useMemo, useState, type FormEvent } from 'react'
import { api, type PatrolCheckpointView, type PatrolTeamView, type RegionView } from '@anju/shared'
import { call, errorMessage, newIdempotencyKey, request } from '../../api'
import { DataTable } from '../../components/DataTable'
import { eventLatLng, GridMap, type LatLng, type MapShape } from '../../components/GridMap'
import { Loaded } from '../../components/States'
import { ScopeBar } from '../../components/ScopeBar'
import { useLoad, useRegions, useScope } from '../../hooks'

const round6 = (v: number) => Math.round(v * 1e6) / 1e6
const DEFAULT_RADIUS_M = 50
const MAP_W = 640
const MAP_H = 440

/** True when `regionId` is `rootId` or lies under it in the user's area. */
function within(regions: RegionView[], regionId: number, rootId: number) {
  const parent = new Map(regions.map((r) => [r.id, r.parentId]))
  for (let id: number | null | undefined = regionId; id; id = parent.get(id)) if (id === rootId) return true
  return false
}

/** 巡逻队 of the area: the teams, a new team in a community, and each team's routes with checkpoints placed on the map. */
export function PatrolsPage() {
  const { regionId } = useScope()
  const regions = useRegions()
  const state = useLoad(() => call(api.patrolTeams), [])
  const [form, setForm] = useState({ name: '', regionId: '' })
  const [key, setKey] = useState(newIdempotencyKey)
  const [message, setMessage] = useState('')
  const [error, setError] = useState('')
  const [teamId, setTeamId] = useState<number | null>(null)
  const communities = regions.filter((r) => r.level === 'community' && within(regions, r.id, regionId))
  const teams = (state.data?.items ?? []).filter((t) => !regions.length || within(regions, t.region.id, regionId))
  const team = teams.find((t) => t.id === teamId) ?? null

  const edit = (patch: Partial<typeof form>) => {
    setForm({ ...form, ...patch })
    setKey(newIdempotencyKey())
  }
  const create = async (e: FormEvent) => {
    e.preventDefault()
    setError('')
    setMessage('')
    try {
      const created = await call(api.createPatrolTeam, { body: { name: form.name, regionId: Number(form.regionId) }, idempotencyKey: key })
      setForm({ ...form, name: '' })
      setKey(newIdempotencyKey())
      setMessage(`已新建巡逻队「${created.name}」`)
      await state.reload()
      setTeamId(created.id)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  return (
    <div className='page'>
      <ScopeBar title='巡逻队' period={false} />
      <form className='form-grid' id='team-form' onSubmit={(e) => void create(e)}>
        <label>队名<input name='name' value={form.name} onChange={(e) => edit({ name: e.target.value })} required minLength={2} maxLength={64} /></label>
        <label>所属社区
          <select name='regionId' value={form.regionId} onChange={(e) => edit({ regionId: e.target.value })} required>
            <option value=''>请选择</option>
            {communities.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
        <div className='actions'>
          <button type='submit' className='btn btn--primary'>新建巡逻队</button>
          {message ? <span className='notice' id='team-notice'>{message}</span> : null}
          {error ? <span className='state state--error' role='alert'>{error}</span> : null}
        </div>
      </form>
      <Loaded state={state} empty={() => (teams.length ? null : '该区域下还没有巡逻队')}>
        {() => (
          <DataTable id='patrol-teams' title={`共 ${teams.length} 支巡逻队`} rows={teams} rowKey={(t) => t.id} exportName='巡逻队'
            columns={[
              { key: 'name', title: '队名', value: (t) => t.name },
              { key: 'region', title: '社区', value: (t) => t.region.name },
              { key: 'members', title: '队员', value: (t) => t.memberCount },
              { key: 'ops', title: '操作', noExport: true, value: () => '', render: (t) => (
                <button type='button' className={t.id === teamId ? 'btn btn--small btn--primary' : 'btn btn--small'} data-team={t.name}
                  onClick={() => setTeamId(t.id)}>路线与检查点</button>
              ) },
            ]} />
        )}
      </Loaded>
      {team ? <TeamRoutes key={team.id} team={team} /> : null}
    </div>
  )
}

interface DraftCheckpoint {
  name: string
  at: LatLng
}

/** One team's routes (print their codes, replace one), and a new route whose checkpoints are clicked onto the community's grid map. */
function TeamRoutes({ team }: { team: PatrolTeamView }) {
  const { from, to } = useScope()
  const routes = useLoad(() => call(api.patrolRoutes, { params: { id: team.id } }), [team.id])
  const map = useLoad(() => call(api.consoleHeatmap, { query: { regionId: team.region.id, from, to } }), [team.region.id])
  const [name, setName] = useState('')
  const [points, setPoints] = useState<DraftCheckpoint[]>([])
  const [key, setKey] = useState(newIdempotencyKey)
  const [message, setMessage] = useState('')
  const [error, setError] = useState('')
  const [saving, setSaving] = useState(false)
  const grids = map.data?.grids ?? []
  const shapes: MapShape[] = useMemo(() => grids.filter((g) => g.polygon).map((g) => ({
    id: g.id, name: g.name, polygon: g.polygon!, fill: '#eef2f7', details: [g.community],
  })), [grids])
  const existing = useMemo(() => (routes.data?.items ?? []).flatMap((r) => r.checkpoints.map((c) => ({ key: c.id, name: `${r.name} · ${c.name}`, at: [c.lat, c.lng] as LatLng }))), [routes.data])

  const change = (next: DraftCheckpoint[]) => {
    setPoints(next)
    setKey(newIdempotencyKey())
    setMessage('')
  }
  const save = async () => {
    setError('')
    setSaving(true)
    try {
      const created = await call(api.createPatrolRoute, {
        params: { id: team.id },
        body: { name, checkpoints: points.map((p) => ({ name: p.name, lat: round6(p.at[0]), lng: round6(p.at[1]), radiusM: DEFAULT_RADIUS_M })) },
        idempotencyKey: key,
      })
      setMessage(`已新建路线「${created.name}」（${created.checkpoints.length} 个检查点），可打印二维码张贴`)
      setName('')
      setPoints([])
      setKey(newIdempotencyKey())
      await routes.reload()
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setSaving(false)
    }
  }
  const rotate = async (c: PatrolCheckpointView) => {
    if (!window.confirm(`更换「${c.name}」的二维码？已张贴的旧二维码随即失效，需要重新打印张贴。`)) return
    setError('')
    try {
      const next = await call(api.rotateCheckpointToken, { params: { id: c.id } })
      setMessage(`「${c.name}」已换为第 ${next.tokenVersion} 版二维码，请重新打印`)
      await routes.reload()
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  const printSheet = async (routeId: number) => {
    setError('')
    try {
      const res = await request('GET', `/api/staff/patrol-routes/${routeId}/qr-sheet.png`)
      window.open(URL.createObjectURL(await res.blob()), '_blank')
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  return (
    <section className='panel patrol-team' id='team-routes'>
      <h3>{team.region.name} · {team.name}：路线</h3>
      <Loaded state={routes} empty={(d) => (d.items.length ? null : '这支队伍还没有路线，在下方地图上单击放置检查点后保存')}>
        {(d) => (
          <table className='data-table' id='patrol-routes'>
            <thead><tr><th>路线</th><th>检查点</th><th>二维码</th></tr></thead>
            <tbody>
              {d.items.map((r) => (
                <tr key={r.id} data-route={r.name}>
                  <td>{r.name}</td>
                  <td>
                    <ul className='checkpoint-codes'>
                      {r.checkpoints.map((c) => (
                        <li key={c.id}>
                          {c.seq}. {c.name} <span className='muted'>签到编号 {c.shortCode} · 第 {c.tokenVersion} 版</span>
                          <button type='button' className='btn btn--ghost btn--small' data-rotate={c.id} onClick={() => void rotate(c)}>更换二维码</button>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td><button type='button' className='btn btn--small' data-qr-sheet={r.id} onClick={() => void printSheet(r.id)}>打印二维码</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <h3>新建路线</h3>
      <Loaded state={map} empty={() => (shapes.length ? null : '该社区的网格还没有设置范围，请管理员先在「网格范围」中绘制')}>
        {() => (
          <div className='heatmap__body'>
            <GridMap id='route-map' shapes={shapes} extraPoints={existing.map((c) => c.at)} width={MAP_W} height={MAP_H}>
              {(proj) => (
                <g>
                  <rect x={0} y={0} width={MAP_W} height={MAP_H} fill='transparent' style={{ cursor: 'crosshair' }}
                    onClick={(e) => change([...points, { name: `检查点${points.length + 1}`, at: eventLatLng(e, proj) }])} />
                  {existing.map((c) => {
                    const [x, y] = proj.toXY(c.at)
                    return <circle key={c.key} cx={x} cy={y} r={6} className='checkpoint-pin--saved'><title>{c.name}</title></circle>
                  })}
                  {points.length > 1 ? (
                    <polyline points={points.map((p) => proj.toXY(p.at).join(',')).join(' ')} className='route-line' />
                  ) : null}
                  {points.map((p, i) => {
                    const [x, y] = proj.toXY(p.at)
                    return (
                      <g key={i} className='checkpoint-pin' data-checkpoint={i} style={{ pointerEvents: 'none' }}>
                        <circle cx={x} cy={y} r={11} />
                        <text x={x} y={y + 4} textAnchor='middle'>{i + 1}</text>
                      </g>
                    )
                  })}
                </g>
              )}
            </GridMap>
            <div className='legend editor-panel'>
              <label className='route-field'>路线名称
                <input id='route-name' value={name} onChange={(e) => { setName(e.target.value); setKey(newIdempotencyKey()) }} maxLength={64} placeholder='如：夜间主路线' />
              </label>
              <p className='muted'>在地图上依次单击放置检查点（签到半径 {DEFAULT_RADIUS_M} 米），再为每个检查点命名。灰点是已有路线的检查点。</p>
              <ol className='checkpoint-list'>
                {points.map((p, i) => (
                  <li key={i}>
                    <input aria-label={`检查点 ${i + 1} 名称`} data-checkpoint-name={i} value={p.name}
                      onChange={(e) => change(points.map((q, j) => (j === i ? { ...q, name: e.target.value } : q)))} />
                    <button type='button' className='btn btn--ghost btn--small' onClick={() => change(points.filter((_, j) => j !== i))}>删除</button>
                  </li>
                ))}
              </ol>
              <div className='case-actions__buttons'>
                <button type='button' id='save-route' className='btn btn--primary btn--small'
                  disabled={saving || name.trim().length < 2 || points.length === 0} onClick={() => void save()}>保存路线</button>
                {points.length ? <button type='button' className='btn btn--ghost btn--small' onClick={() => change([])}>清空</button> : null}
              </div>
              {message ? <div className='notice' id='route-notice'>{message}</div> : null}
              {error ? <div className='state state--error' role='alert'>{error}</div> : null}
            </div>
          </div>
        )}
      </Loaded>
    </section>
  )
}
