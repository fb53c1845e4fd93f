import { StrictMode, type ReactNode } from 'react'
import { createRoot } from 'react-dom/client'
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom'
import { Layout } from './components/Layout'
import { useSession } from './hooks'
import { BoardPage } from './pages/Board'
import { CasesPage } from './pages/Cases'
import { HeatmapPage } from './pages/Heatmap'
import { LoginPage } from './pages/Login'
import { OverviewPage } from './pages/Overview'
import { SafetyIndexPage } from './pages/SafetyIndex'
import { RankingsPage } from './pages/Rankings'
import { ReportPage } from './pages/Report'
import { AccountsPage } from './pages/admin/Accounts'
import { GridAreasPage } from './pages/admin/GridAreas'
import { CategoriesPage } from './pages/admin/Categories'
import { IntegrationsPage } from './pages/admin/Integrations'
import { PatrolsPage } from './pages/admin/Patrols'
import './styles.css'

function RequireLogin({ children }: { children: ReactNode }) {
  const session = useSession()
  const location = useLocation()
  if (!session) return <Navigate to='/login' replace state={{ from: location }} />
  return <>{children}</>
}

function App() {
  return (
    <BrowserRouter basename='/console'>
      <Routes>
        <Route path='/login' element={<LoginPage />} />
        <Route element={<RequireLogin><Layout /></RequireLogin>}>
          <Route path='/overview' element={<OverviewPage />} />
          <Route path='/cases' element={<CasesPage />} />
          <Route path='/board' element={<BoardPage />} />
          <Route path='/heatmap' element={<HeatmapPage />} />
          <Route path='/safety-index' element={<SafetyIndexPage />} />
          <Route path='/rankings' element={<RankingsPage />} />
          <Route path='/report' element={<ReportPage />} />
          <Route path='/admin/accounts' element={<AccountsPage />} />
          <Route path='/admin/patrols' element={<PatrolsPage />} />
          <Route path='/admin/grid-areas' element={<GridAreasPage />} />
          <Route path='/admin/categories' element={<CategoriesPage />} />
          <Route path='/admin/integrations' element={<IntegrationsPage />} />
        </Route>
        <Route path='*' element={<Navigate to='/overview' replace />} />
      </Routes>
    </BrowserRouter>
  )
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
