import { useState, type FormEvent } from 'react'
import { api, REGION_LEVEL_LABELS, ROLE_LABELS, STAFF_ACCOUNT_ROLES, type StaffAccountView } from '@anju/shared'
import { call, errorMessage, newIdempotencyKey } from '../../api'
import { DataTable } from '../../components/DataTable'
import { Loaded } from '../../components/States'
import { ScopeBar } from '../../components/ScopeBar'
import { useLoad, useRegions, useScope, useSession } from '../../hooks'

type Role = (typeof STAFF_ACCOUNT_ROLES)[number]

/** 工作人员账号 within one's area: add, change role or region, disable, reset the password, unlock, sign out everywhere. */
export function AccountsPage() {
  const { regionId } = useScope()
  const session = useSession()
  const regions = useRegions()
  const state = useLoad(() => call(api.staffAccounts, { query: { regionId } }), [regionId])
  const [form, setForm] = useState({ username: '', displayName: '', role: 'grid_worker' as Role, regionId: '', password: '' })
  const [message, setMessage] = useState('')
  const [error, setError] = useState('')
  const [key, setKey] = useState(newIdempotencyKey)
  const roles: Role[] = session?.user.role === 'admin' ? [...STAFF_ACCOUNT_ROLES] : ['grid_worker', 'staff']
  const edit = (patch: Partial<typeof form>) => {
    setForm({ ...form, ...patch })
    setKey(newIdempotencyKey())
  }
  const act = async (label: string, work: () => Promise<unknown>) => {
    setError('')
    setMessage('')
    try {
      await work()
      setMessage(label)
      await state.reload()
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  const create = (e: FormEvent) => {
    e.preventDefault()
    void act(`已新建账号 ${form.username}`, async () => {
      await call(api.createStaffAccount, { body: { ...form, regionId: Number(form.regionId) }, idempotencyKey: key })
      setForm({ ...form, username: '', displayName: '', password: '' })
      setKey(newIdempotencyKey())
    })
  }
  const toggle = (u: StaffAccountView) =>
    act(u.disabled ? `已启用 ${u.username}` : `已停用 ${u.username}，其登录立即失效`, () =>
      call(api.updateStaffAccount, { params: { id: u.id }, body: { disabled: !u.disabled } }))
  const resetPassword = (u: StaffAccountView) => {
    const password = window.prompt(`为 ${u.displayName}（${u.username}）设置新密码（至少 10 位，含字母和数字或符号）`)
    if (password) void act(`已重置 ${u.username} 的密码，原有登录已失效`, () => call(api.resetStaffPassword, { params: { id: u.id }, body: { password } }))
  }
  const unlock = (u: StaffAccountView) => act(`已解锁 ${u.username}`, () => call(api.unlockStaffAccount, { params: { id: u.id } }))
  const signOut = (u: StaffAccountView) => {
    if (window.confirm(`让 ${u.displayName}（${u.username}）在所有设备上退出登录？`)) {
      void act(`${u.username} 已在所有设备上退出登录`, () => call(api.revokeStaffSessions, { params: { id: u.id } }))
    }
  }
  const changeRole = (u: StaffAccountView, role: Role) =>
    act(`已将 ${u.username} 改为${ROLE_LABELS[role]}`, () => call(api.updateStaffAccount, { params: { id: u.id }, body: { role } }))
  return (
    <div className='page'>
      <ScopeBar title='工作人员账号' period={false} />
      <form className='form-grid' id='account-form' onSubmit={create}>
        <label>用户名<input name='username' value={form.username} onChange={(e) => edit({ username: e.target.value })} required /></label>
        <label>姓名<input name='displayName' value={form.displayName} onChange={(e) => edit({ displayName: e.target.value })} required /></label>
        <label>角色
          <select name='role' value={form.role} onChange={(e) => edit({ role: e.target.value as Role })}>
            {roles.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
          </select>
        </label>
        <label>所属区域
          <select name='regionId' value={form.regionId} onChange={(e) => edit({ regionId: e.target.value })} required>
            <option value=''>请选择</option>
            {regions.map((r) => <option key={r.id} value={r.id}>{r.name}（{REGION_LEVEL_LABELS[r.level]}）</option>)}
          </select>
        </label>
        <label>初始密码<input name='password' type='password' autoComplete='new-password' value={form.password} onChange={(e) => edit({ password: e.target.value })} required minLength={10} /></label>
        <div className='actions'>
          <button type='submit' className='btn btn--primary'>新建账号</button>
          {message ? <span className='notice' id='account-notice'>{message}</span> : null}
          {error ? <span className='state state--error' role='alert'>{error}</span> : null}
        </div>
      </form>
      <Loaded state={state} empty={(d) => (d.items.length ? null : '该区域下还没有工作人员账号')}>
        {(d) => (
          <DataTable id='accounts' title={`共 ${d.items.length} 个账号`} rows={d.items} rowKey={(u) => u.id} exportName='工作人员账号'
            columns={[
              { key: 'username', title: '用户名', value: (u) => u.username },
              { key: 'displayName', title: '姓名', value: (u) => u.displayName },
              { key: 'role', title: '角色', value: (u) => ROLE_LABELS[u.role], render: (u) => (
                u.id === session?.user.id ? ROLE_LABELS[u.role] : (
                  <select aria-label='角色' value={u.role} onChange={(e) => void changeRole(u, e.target.value as Role)}>
                    {(roles.includes(u.role as Role) ? roles : [u.role as Role, ...roles]).map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
                  </select>
                )) },
              { key: 'region', title: '所属区域', value: (u) => u.region.name },
              { key: 'state', title: '状态', value: (u) => (u.disabled ? '已停用' : u.lockedAt ? '密码错误次数过多，已锁定' : '正常') },
              { key: 'createdAt', title: '创建时间', value: (u) => u.createdAt.slice(0, 10) },
              { key: 'ops', title: '操作', noExport: true, value: () => '', render: (u) => (
                u.id === session?.user.id ? <span className='muted'>本人</span> : (
                  <div className='case-actions__buttons'>
                    <button type='button' className={u.disabled ? 'btn btn--small' : 'btn btn--small btn--danger'} data-toggle={u.username} onClick={() => void toggle(u)}>{u.disabled ? '启用' : '停用'}</button>
                    <button type='button' className='btn btn--small' data-reset={u.username} onClick={() => resetPassword(u)}>重置密码</button>
                    {u.lockedAt ? <button type='button' className='btn btn--small' data-unlock={u.username} onClick={() => void unlock(u)}>解锁</button> : null}
                    <button type='button' className='btn btn--small' data-sign-out={u.username} onClick={() => signOut(u)}>强制下线</button>
                  </div>
                )) },
            ]} />
        )}
      </Loaded>
    </div>
  )
}
