import { REGION_LEVEL_LABELS, REGION_LEVELS } from '@anju/shared'
import { chinaToday, daysBefore, useRegions, useScope } from '../hooks'

const monthStart = (day: string) => `${day.slice(0, 7)}-01`
function lastMonth(day: string) {
  const end = daysBefore(monthStart(day), 1)
  return { from: monthStart(end), to: end }
}

/** Region and period pickers shared by the console's pages. `levels` narrows the regions offered. */
export function ScopeBar({ title, period = true, levels }: { title: string; period?: boolean; levels?: string[] }) {
  const { regionId, from, to, set } = useScope()
  const regions = useRegions().filter((r) => !levels || levels.includes(r.level))
  const depth = (level: string) => REGION_LEVELS.indexOf(level as never)
  const today = chinaToday()
  const presets = [
    { label: '近 7 天', from: daysBefore(today, 6), to: today },
    { label: '近 30 天', from: daysBefore(today, 29), to: today },
    { label: '近 90 天', from: daysBefore(today, 89), to: today },
    { label: '本月', from: monthStart(today), to: today },
    { label: '上月', ...lastMonth(today) },
  ]
  return (
    <header className='scope-bar'>
      <h1>{title}</h1>
      <div className='scope-bar__controls'>
        <label>
          区域
          <select id='scope-region' value={regionId} onChange={(e) => set({ regionId: Number(e.target.value) })}>
            {regions.map((r) => (
              <option key={r.id} value={r.id}>
                {'　'.repeat(Math.max(0, depth(r.level) - depth(regions[0]?.level ?? 'city')))}{r.name}（{REGION_LEVEL_LABELS[r.level]}）
              </option>
            ))}
          </select>
        </label>
        {period ? (
          <>
            <label>
              从
              <input id='scope-from' type='date' value={from} max={to} onChange={(e) => e.target.value && set({ from: e.target.value })} />
            </label>
            <label>
              至
              <input id='scope-to' type='date' value={to} min={from} onChange={(e) => e.target.value && set({ to: e.target.value })} />
            </label>
            <div className='presets'>
              {presets.map((p) => (
                <button key={p.label} type='button' className={p.from === from && p.to === to ? 'chip chip--on' : 'chip'} onClick={() => set({ from: p.from, to: p.to })}>
                  {p.label}
                </button>
              ))}
            </div>
          </>
        ) : null}
      </div>
    </header>
  )
}
