import { createElement } from 'react'
import { Map, View } from '@tarojs/components'

/** Copied next to the sub-package's pages by the weapp build (config/index.ts); drawn by scripts/make-map-markers.mjs. */
const MARKER_DONE = '/packages/patrol/assets/checkpoint-done.png'
const MARKER_PENDING = '/packages/patrol/assets/checkpoint.png'

interface Point {
  lat: number
  lng: number
}

/**
 * A patrol's track with its checkpoints: WeChat's map on weapp; on h5 (tests and the web version) a simple
 * drawn polyline scaled to the track's bounds.
 */
export function TrackMap({ points, checkpoints }: { points: Point[]; checkpoints: (Point & { name: string; done: boolean })[] }) {
  const all = [...points, ...checkpoints]
  if (!all.length) return <View className='track-map track-map--empty'>暂无轨迹</View>
  if (process.env.TARO_ENV === 'weapp') {
    const centre = all.reduce((c, p) => ({ lat: c.lat + p.lat / all.length, lng: c.lng + p.lng / all.length }), { lat: 0, lng: 0 })
    return (
      <Map
        className='track-map'
        latitude={centre.lat}
        longitude={centre.lng}
        scale={15}
        includePoints={all.map((p) => ({ latitude: p.lat, longitude: p.lng }))}
        polyline={[{ points: points.map((p) => ({ latitude: p.lat, longitude: p.lng })), color: '#1677ff', width: 4 }] as never}
        markers={checkpoints.map((c, i) => ({
          id: i, latitude: c.lat, longitude: c.lng, title: c.name, width: 24, height: 24, iconPath: c.done ? MARKER_DONE : MARKER_PENDING,
          callout: { content: `${c.done ? '✓' : '○'} ${c.name}`, display: 'ALWAYS' },
        })) as never}
        onError={() => undefined}
      />
    )
  }
  return <DrawnTrack points={points} checkpoints={checkpoints} />
}

/** An SVG polyline in an equirectangular projection, y up: enough to see the route walked. */
function DrawnTrack({ points, checkpoints }: { points: Point[]; checkpoints: (Point & { name: string; done: boolean })[] }) {
  const all = [...points, ...checkpoints]
  const minLat = Math.min(...all.map((p) => p.lat))
  const maxLat = Math.max(...all.map((p) => p.lat))
  const minLng = Math.min(...all.map((p) => p.lng))
  const maxLng = Math.max(...all.map((p) => p.lng))
  const cos = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180)
  const spanX = Math.max((maxLng - minLng) * cos, 1e-6)
  const spanY = Math.max(maxLat - minLat, 1e-6)
  const size = 300
  const scale = (size - 40) / Math.max(spanX, spanY)
  const xy = (p: Point) => [20 + (p.lng - minLng) * cos * scale, size - 20 - (p.lat - minLat) * scale] as const
  const h = createElement
  return h(
    'svg',
    { className: 'track-map track-map--drawn', viewBox: `0 0 ${size} ${size}`, 'data-points': points.length },
    h('polyline', { points: points.map((p) => xy(p).join(',')).join(' '), fill: 'none', stroke: '#1677ff', strokeWidth: 3 }),
    ...checkpoints.map((c, i) => {
      const [x, y] = xy(c)
      return h('circle', { key: i, cx: x, cy: y, r: 6, fill: c.done ? '#00b42a' : '#f53f3f' }, h('title', null, c.name))
    }),
  )
}
