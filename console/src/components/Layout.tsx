import { NavLink, Outlet, useLocation } from 'react-router-dom'
import { ROLE_LABELS } from '@anju/shared'
import { saveSession } from '../api'
import { useSession } from '../hooks'

const NAV = [
  { to: '/overview', label: '区域概览' },
  { to: '/board', label: '红黄绿看板' },
  { to: '/heatmap', label: '案件热力图' },
  { to: '/safety-index', label: '平安指数' },
  { to: '/rankings', label: '排行榜' },
  { to: '/report', label: '月度报告' },
]
const ADMIN_NAV: { to: string; label: string }[] = [
  { to: '/admin/accounts', label: '工作人员账号' },
  { to: '/admin/grid-areas', label: '网格范围' },
]

/** The console's frame: navigation on the left, the page on the right; links keep the region and period. */
export function Layout() {
  const session = useSession()
  const { search } = useLocation()
  if (!session) return null
  const keep = (to: string) => ({ pathname: to, search })
  return (
    <div className='shell'>
      <aside className='shell__nav'>
        <div className='brand'>
          <span className='brand__mark'>安</span>
          <span>
            <strong>安居</strong>
            <small>治理驾驶舱</small>
          </span>
        </div>
        <nav>
          {NAV.map((n) => <NavLink key={n.to} to={keep(n.to)} className='nav-link'>{n.label}</NavLink>)}
          {ADMIN_NAV.length ? <div className='nav-group'>管理</div> : null}
          {ADMIN_NAV.map((n) => <NavLink key={n.to} to={keep(n.to)} className='nav-link'>{n.label}</NavLink>)}
        </nav>
        <div className='shell__user'>
          <div>{session.user.displayName}</div>
          <small>{ROLE_LABELS[session.user.role]} · {session.user.region?.name ?? ''}</small>
          <button type='button' className='btn btn--ghost btn--small' onClick={() => saveSession(null)}>退出登录</button>
        </div>
      </aside>
      <main className='shell__main'>
        <Outlet />
      </main>
    </div>
  )
}
