import { createElement } from 'react'
import { Map, View } from '@tarojs/components'
import pinIcon from '../../assets/map/pin.png'
import './index.scss'

export interface MapPoint {
  lat: number
  lng: number
}

export interface MapArea {
  id: number
  /** [lat, lng] ring, GCJ-02. */
  polygon: [number, number][]
  /** A short mark drawn in the area (①, ②…): names do not fit a phone-sized map; a list beside it names them. */
  label: string
  selected: boolean
}

/** ①…⑳ for the n-th area (from 0), to mark areas on the map and in the list that names them. */
export function areaMark(n: number): string {
  return n < 20 ? String.fromCharCode(0x2460 + n) : String(n + 1)
}

interface Props {
  areas: MapArea[]
  pin: MapPoint | null
  /** Tapping an area (h5 drawing only; on weapp the list beside the map does it). */
  onSelect?: (id: number) => void
  className?: string
}

/**
 * Grid areas drawn from our own polygons with the reported position as a pin: WeChat's map on weapp; on h5
 * (tests, the web version, an intranet without map tiles) an SVG in an equirectangular projection.
 */
export function PlaceMap({ areas, pin, onSelect, className }: Props) {
  const points: MapPoint[] = [...areas.flatMap((a) => a.polygon.map(([lat, lng]) => ({ lat, lng }))), ...(pin ? [pin] : [])]
  if (!points.length) return null
  if (process.env.TARO_ENV === 'weapp') {
    const centre = pin ?? points[0]!
    return (
      <Map
        className={`place-map ${className ?? ''}`}
        latitude={centre.lat}
        longitude={centre.lng}
        scale={16}
        includePoints={points.map((p) => ({ latitude: p.lat, longitude: p.lng }))}
        polygons={areas.map((a) => ({
          points: a.polygon.map(([lat, lng]) => ({ latitude: lat, longitude: lng })),
          strokeWidth: a.selected ? 3 : 1,
          strokeColor: a.selected ? '#1366d6' : '#86909c',
          fillColor: a.selected ? '#1366d633' : '#86909c1a',
        })) as never}
        markers={(pin ? [{ id: 0, latitude: pin.lat, longitude: pin.lng, iconPath: pinIcon, width: 24, height: 32 }] : []) as never}
        onError={() => undefined}
      />
    )
  }
  return <DrawnPlace areas={areas} pin={pin} points={points} onSelect={onSelect} className={className} />
}

function DrawnPlace({ areas, pin, points, onSelect, className }: Props & { points: MapPoint[] }) {
  const minLat = Math.min(...points.map((p) => p.lat))
  const maxLat = Math.max(...points.map((p) => p.lat))
  const minLng = Math.min(...points.map((p) => p.lng))
  const maxLng = Math.max(...points.map((p) => p.lng))
  const cos = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180)
  const width = 320
  const height = 200
  const margin = 14
  const scale = Math.min((width - 2 * margin) / Math.max((maxLng - minLng) * cos, 1e-6), (height - 2 * margin) / Math.max(maxLat - minLat, 1e-6))
  const xy = (lat: number, lng: number) => [margin + (lng - minLng) * cos * scale, height - margin - (lat - minLat) * scale] as const
  const h = createElement
  const ordered = [...areas].sort((a, b) => Number(a.selected) - Number(b.selected))
  return (
    <View className={`place-map place-map--drawn ${className ?? ''}`}>
      {h(
        'svg',
        { viewBox: `0 0 ${width} ${height}`, width: '100%', height: '100%', role: 'img', 'aria-label': '网格位置示意图' },
        ...ordered.map((a) => {
          const ring = a.polygon.map(([lat, lng]) => xy(lat, lng).join(',')).join(' ')
          const [cx, cy] = a.polygon.reduce(([x, y], [lat, lng]) => {
            const [px, py] = xy(lat, lng)
            return [x + px / a.polygon.length, y + py / a.polygon.length]
          }, [0, 0])
          return h(
            'g',
            { key: a.id, className: a.selected ? 'place-map__area place-map__area--selected' : 'place-map__area', 'data-area': a.id, onClick: onSelect ? () => onSelect(a.id) : undefined },
            h('polygon', { points: ring }),
            h('text', { x: cx, y: cy, textAnchor: 'middle', dominantBaseline: 'middle' }, a.label),
          )
        }),
        ...(pin ? [h('g', { key: 'pin', className: 'place-map__pin' }, (() => {
          const [x, y] = xy(pin.lat, pin.lng)
          return [h('circle', { key: 'halo', cx: x, cy: y, r: 9 }), h('circle', { key: 'dot', cx: x, cy: y, r: 4, className: 'place-map__pin-dot' })]
        })())] : []),
      )}
    </View>
  )
}
