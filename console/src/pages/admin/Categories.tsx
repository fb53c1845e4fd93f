import { useState } from 'react'
import { api, CASE_COLOUR_LABELS, REGION_LEVEL_LABELS, REPORT_KIND_LABELS, type CategoryView } from '@anju/shared'
import { call, errorMessage, newIdempotencyKey } from '../../api'
import { DataTable } from '../../components/DataTable'
import { Loaded } from '../../components/States'
import { ScopeBar } from '../../components/ScopeBar'
import { useLoad } from '../../hooks'

type Row = CategoryView & { active: boolean }
const ROUTING = ['grid', 'community', 'street', 'district'] as const

/** 案件类别: colour, SLA hours, routing, required fields and whether residents are offered it. */
export function CategoriesPage() {
  const state = useLoad(() => call(api.adminCategories), [])
  const [editing, setEditing] = useState<Row | null>(null)
  const [message, setMessage] = useState('')
  const [error, setError] = useState('')
  const [key, setKey] = useState(newIdempotencyKey)
  const change = (patch: Partial<Row>) => {
    setEditing({ ...editing!, ...patch })
    setKey(newIdempotencyKey())
  }
  const save = async () => {
    if (!editing) return
    setError('')
    try {
      const { code, name, colour, responseSlaHours, resolveSlaHours, routing, requiredFields, confidential, active } = editing
      await call(api.updateCategory, {
        params: { code },
        body: { name, colour, responseSlaHours, resolveSlaHours, routing: routing as (typeof ROUTING)[number], requiredFields, confidential, active },
        idempotencyKey: key,
      })
      setMessage(`已保存「${name}」；只影响此后提交的案件`)
      setEditing(null)
      setKey(newIdempotencyKey())
      await state.reload()
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  return (
    <div className='page'>
      <ScopeBar title='案件类别' period={false} />
      {message ? <div className='notice'>{message}</div> : null}
      {editing ? (
        <form className='form-grid' id='category-form' onSubmit={(e) => { e.preventDefault(); void save() }}>
          <label>名称<input value={editing.name} onChange={(e) => change({ name: e.target.value })} /></label>
          <label>预警颜色
            <select value={editing.colour} onChange={(e) => change({ colour: e.target.value as Row['colour'] })}>
              {(['red', 'yellow', 'green'] as const).map((c) => <option key={c} value={c}>{CASE_COLOUR_LABELS[c]}</option>)}
            </select>
          </label>
          <label>受理时限（小时）<input name='responseSlaHours' type='number' min={1} value={editing.responseSlaHours} onChange={(e) => change({ responseSlaHours: Number(e.target.value) })} /></label>
          <label>办结时限（小时）<input name='resolveSlaHours' type='number' min={1} value={editing.resolveSlaHours} onChange={(e) => change({ resolveSlaHours: Number(e.target.value) })} /></label>
          <label>首先受理层级
            <select value={editing.routing} onChange={(e) => change({ routing: e.target.value as Row['routing'] })}>
              {ROUTING.map((r) => <option key={r} value={r}>{REGION_LEVEL_LABELS[r]}</option>)}
            </select>
          </label>
          <p className='muted'>举报积分按积分规则发放（小程序工作台 → 积分规则）。</p>
          <label>必填项
            <span>
              <label><input type='checkbox' checked={editing.requiredFields.includes('plate')} onChange={(e) => change({ requiredFields: e.target.checked ? [...editing.requiredFields, 'plate'] : editing.requiredFields.filter((f) => f !== 'plate') })} /> 车牌</label>
              {' '}
              <label><input type='checkbox' checked={editing.requiredFields.includes('photo')} onChange={(e) => change({ requiredFields: e.target.checked ? [...editing.requiredFields, 'photo'] : editing.requiredFields.filter((f) => f !== 'photo') })} /> 照片</label>
            </span>
          </label>
          <label>状态
            <select name='active' value={editing.active ? '1' : '0'} onChange={(e) => change({ active: e.target.value === '1' })}>
              <option value='1'>启用</option>
              <option value='0'>停用（居民不再能选择）</option>
            </select>
          </label>
          <div className='actions'>
            <button type='submit' className='btn btn--primary'>保存</button>
            <button type='button' className='btn btn--ghost' onClick={() => setEditing(null)}>取消</button>
            {error ? <span className='state state--error' role='alert'>{error}</span> : null}
          </div>
        </form>
      ) : null}
      <Loaded state={state}>
        {(d) => (
          <DataTable id='categories' title={`共 ${d.items.length} 个类别`} rows={d.items} rowKey={(c) => c.code} exportName='案件类别'
            onRowClick={(c) => { setEditing(c); setMessage(''); setError('') }}
            columns={[
              { key: 'name', title: '名称', value: (c) => c.name },
              { key: 'kind', title: '类型', value: (c) => REPORT_KIND_LABELS[c.kind] },
              { key: 'colour', title: '预警', value: (c) => CASE_COLOUR_LABELS[c.colour], render: (c) => <span className={`chip chip--${c.colour}`}>{CASE_COLOUR_LABELS[c.colour]}</span> },
              { key: 'response', title: '受理时限（小时）', align: 'right', value: (c) => c.responseSlaHours },
              { key: 'resolve', title: '办结时限（小时）', align: 'right', value: (c) => c.resolveSlaHours },
              { key: 'routing', title: '首先受理', value: (c) => REGION_LEVEL_LABELS[c.routing] },
              { key: 'required', title: '必填', value: (c) => c.requiredFields.map((f) => (f === 'plate' ? '车牌' : '照片')).join('、') },
              { key: 'active', title: '状态', value: (c) => (c.active ? '启用' : '停用') },
            ]} />
        )}
      </Loaded>
    </div>
  )
}
