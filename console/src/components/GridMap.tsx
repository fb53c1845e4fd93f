import { useMemo, useState, type MouseEvent, type ReactNode } from 'react'

export type LatLng = [number, number]

export interface MapShape {
  id: number
  name: string
  polygon: LatLng[]
  fill?: string
  label?: string
  /** Extra lines in the hover box. */
  details?: string[]
}

/** Fits GCJ-02 [lat, lng] points into a box: an equirectangular projection around the mean latitude. */
export function projection(points: LatLng[], width: number, height: number, pad = 24) {
  const lats = points.map((p) => p[0])
  const lngs = points.map((p) => p[1])
  const minLat = Math.min(...lats), maxLat = Math.max(...lats), minLng = Math.min(...lngs), maxLng = Math.max(...lngs)
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180)
  const spanX = Math.max((maxLng - minLng) * k, 1e-6)
  const spanY = Math.max(maxLat - minLat, 1e-6)
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY)
  const offX = (width - spanX * scale) / 2
  const offY = (height - spanY * scale) / 2
  return {
    toXY: ([lat, lng]: LatLng): [number, number] => [offX + (lng - minLng) * k * scale, offY + (maxLat - lat) * scale],
    toLatLng: (x: number, y: number): LatLng => [maxLat - (y - offY) / scale, minLng + (x - offX) / (k * scale)],
  }
}

/** The map point under the mouse, for a handler on an element inside the map's SVG (drawn 1:1 with its viewBox). */
export function eventLatLng(e: MouseEvent<SVGElement>, proj: ReturnType<typeof projection>): LatLng {
  const box = (e.currentTarget.ownerSVGElement ?? e.currentTarget).getBoundingClientRect()
  return proj.toLatLng(e.clientX - box.left, e.clientY - box.top)
}

const centroid = (xy: [number, number][]) => [xy.reduce((s, p) => s + p[0], 0) / xy.length, xy.reduce((s, p) => s + p[1], 0) / xy.length] as const

/**
 * Our own grid polygons drawn as SVG (no map tiles: none can be fetched on a government intranet or in
 * tests). The heat map fills them; the grid-area editor draws on top through `children`.
 */
export function GridMap({ shapes, width = 760, height = 520, selected, onSelect, extraPoints = [], children, id }: {
  shapes: MapShape[]
  width?: number
  height?: number
  selected?: number | null
  onSelect?: (id: number) => void
  /** Points that must stay in view besides the shapes (a polygon being drawn). */
  extraPoints?: LatLng[]
  children?: (proj: ReturnType<typeof projection>) => ReactNode
  id?: string
}) {
  const [hover, setHover] = useState<MapShape | null>(null)
  const allPoints = useMemo(() => [...shapes.flatMap((s) => s.polygon), ...extraPoints], [shapes, extraPoints])
  if (allPoints.length === 0) return <div className='state state--empty'>还没有设置范围的网格</div>
  const proj = projection(allPoints, width, height)
  return (
    <div className='grid-map' style={{ width }}>
      <svg id={id} viewBox={`0 0 ${width} ${height}`} width={width} height={height} role='img' aria-label='网格地图'>
        <rect width={width} height={height} className='grid-map__bg' />
        {shapes.map((s) => {
          const xy = s.polygon.map(proj.toXY)
          const [cx, cy] = centroid(xy)
          return (
            <g key={s.id} className={selected === s.id ? 'grid-shape grid-shape--selected' : 'grid-shape'} data-grid={s.name}
              onMouseEnter={() => setHover(s)} onMouseLeave={() => setHover(null)} onClick={onSelect ? () => onSelect(s.id) : undefined}>
              <polygon points={xy.map((p) => p.join(',')).join(' ')} fill={s.fill ?? '#e6f0ff'} />
              <text x={cx} y={cy - 6} textAnchor='middle' className='grid-shape__name'>{s.name}</text>
              {s.label ? <text x={cx} y={cy + 12} textAnchor='middle' className='grid-shape__label'>{s.label}</text> : null}
            </g>
          )
        })}
        {children?.(proj)}
      </svg>
      {hover?.details ? (
        <div className='grid-map__tip'>
          <b>{hover.name}</b>
          {hover.details.map((d) => <div key={d}>{d}</div>)}
        </div>
      ) : null}
    </div>
  )
}

/** A sequential colour scale from light to `to` (hex), for t in [0, 1]. */
export function scale(t: number, to: [number, number, number], from: [number, number, number] = [240, 245, 255]) {
  const c = from.map((f, i) => Math.round(f + (to[i]! - f) * Math.max(0, Math.min(1, t))))
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`
}
