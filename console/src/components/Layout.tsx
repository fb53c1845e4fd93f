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
/** Centres manage the staff accounts and patrol teams under them; the rest is the city administrators'. */
const ADMIN_NAV: { to: string; label: string; adminOnly?: boolean }[] = [
  { to: '/admin/accounts', label: '工作人员账号' },
  { to: '/admin/patrols', label: '巡逻队' },
  { to: '/admin/categories', label: '案件类别', adminOnly: true },
  { to: '/admin/grid-areas', label: '网格范围', adminOnly: true },
  { to: '/admin/integrations', label: '网格平台与 Open311', adminOnly: true },
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
          <div className='nav-group'>管理</div>
          {ADMIN_NAV.filter((n) => !n.adminOnly || session.user.role === 'admin').map((n) => <NavLink key={n.to} to={keep(n.to)} className='nav-link'>{n.label}</NavLink>)}
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
