import { useState } from 'react'
import { api, CASE_COLOUR_LABELS, REGION_LEVEL_LABELS, REPORT_KINDS, REPORT_KIND_LABELS, type CategoryView } from '@anju/shared'
import { call, errorMessage, newIdempotencyKey } from '../../api'
import { DataTable } from '../../components/DataTable'
import { Loaded } from '../../components/States'
import { ScopeBar } from '../../components/ScopeBar'
import { useLoad } from '../../hooks'

type Row = CategoryView & { active: boolean }
const ROUTING = ['grid', 'community', 'street', 'district'] as const

/** What the 新建类别 form starts from: a yellow complaint category handled by the community, 24 h / 72 h. */
const NEW_CATEGORY: Row = {
  code: '', kind: 'complaint', name: '', colour: 'yellow', responseSlaHours: 24, resolveSlaHours: 72, routing: 'community',
  requiredFields: [], confidential: false, active: true,
}

/** 案件类别: add one, or change colour, SLA hours, routing, required fields and whether residents are offered it. */
export function CategoriesPage() {
  const state = useLoad(() => call(api.adminCategories), [])
  const [editing, setEditing] = useState<Row | null>(null)
  // The form adds a category (code and type chosen once) rather than changing one.
  const [isNew, setIsNew] = useState(false)
  const [message, setMessage] = useState('')
  const [error, setError] = useState('')
  const [key, setKey] = useState(newIdempotencyKey)
  const change = (patch: Partial<Row>) => {
    setEditing({ ...editing!, ...patch })
    setKey(newIdempotencyKey())
    setError('')
  }
  const save = async () => {
    if (!editing) return
    setError('')
    try {
      const { code, kind, name, colour, responseSlaHours, resolveSlaHours, routing, requiredFields, confidential, active } = editing
      const fields = { name, colour, responseSlaHours, resolveSlaHours, routing: routing as (typeof ROUTING)[number], requiredFields, confidential, active }
      if (isNew) {
        await call(api.createCategory, { body: { ...fields, code, kind }, idempotencyKey: key })
        setMessage(`已新建「${name}」；居民上报时即可选择，举报积分请在积分规则中设置`)
      } else {
        await call(api.updateCategory, { params: { code }, body: fields, idempotencyKey: key })
        setMessage(`已保存「${name}」；只影响此后提交的案件`)
      }
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
      {message ? <div className='notice' id='category-notice'>{message}</div> : null}
      {editing ? null : (
        <div className='actions'>
          <button type='button' className='btn btn--primary' id='category-new'
            onClick={() => { setEditing(NEW_CATEGORY); setIsNew(true); setMessage(''); setError(''); setKey(newIdempotencyKey()) }}>新建类别</button>
        </div>
      )}
      {editing ? (
        <form className='form-grid' id='category-form' onSubmit={(e) => { e.preventDefault(); void save() }}>
          {isNew ? (
            <>
              <label>编码<input name='code' value={editing.code} placeholder='如 stray_dogs（小写字母、数字、下划线）' onChange={(e) => change({ code: e.target.value })} /></label>
              <label>类型
                <select name='kind' value={editing.kind} onChange={(e) => change({ kind: e.target.value as Row['kind'] })}>
                  {REPORT_KINDS.map((k) => <option key={k} value={k}>{REPORT_KIND_LABELS[k]}</option>)}
                </select>
              </label>
            </>
          ) : null}
          <label>名称<input name='name' value={editing.name} onChange={(e) => change({ name: e.target.value })} /></label>
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
            <span className='checks'>
              <label><input type='checkbox' checked={editing.requiredFields.includes('plate')} onChange={(e) => change({ requiredFields: e.target.checked ? [...editing.requiredFields, 'plate'] : editing.requiredFields.filter((f) => f !== 'plate') })} /> 车牌</label>
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
            onRowClick={(c) => { setEditing(c); setIsNew(false); setMessage(''); setError('') }}
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
