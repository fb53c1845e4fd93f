import { useState, type FormEvent } from 'react'
import { useNavigate } from 'react-router-dom'
import { api } from '@anju/shared'
import { call, errorMessage, saveSession } from '../api'

const CONSOLE_ROLES = ['centre', 'admin']

/** 工作人员登录 with the same accounts as the mini program's workbench; the console is for centres and administrators. */
export function LoginPage() {
  const navigate = useNavigate()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      const session = await call(api.staffLogin, { body: { username, password } })
      if (!CONSOLE_ROLES.includes(session.user.role)) {
        setError('治理驾驶舱供综治中心和管理员使用；社区工作人员和网格员请使用小程序工作台')
        return
      }
      saveSession(session)
      navigate('/overview', { replace: true })
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className='login'>
      <form className='login__card' onSubmit={submit}>
        <div className='brand brand--large'>
          <span className='brand__mark'>安</span>
          <span>
            <strong>安居 · 治理驾驶舱</strong>
            <small>综治中心与管理员登录</small>
          </span>
        </div>
        <label>
          用户名
          <input id='login-username' autoComplete='username' value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          密码
          <input id='login-password' type='password' autoComplete='current-password' value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error ? <div className='state state--error' role='alert'>{error}</div> : null}
        <button id='login-submit' type='submit' className='btn btn--primary' disabled={busy}>{busy ? '登录中…' : '登录'}</button>
      </form>
    </div>
  )
}
