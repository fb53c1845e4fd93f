import { useEffect, useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import { api, type NearbyGrid } from '@anju/shared'
import { call, errorMessage } from '../../../api'
import { areaMark, PlaceMap } from '../../../components/PlaceMap'
import { platform } from '../../../platform'

export interface Place {
  location: { lat: number; lng: number } | null
  address: string
  /** The grid the resident chose; null leaves it to the position. */
  gridId: number | null
}

/**
 * 位置: the phone's position, the address as the resident words it, and the grid (and community) the case
 * will go to — drawn on our own grid map, with the nearby grids to choose from when the position is not where
 * the problem is (a resident reporting their own building from down the road).
 */
export function PlaceField({ place, onChange }: { place: Place; onChange: (change: Partial<Place>) => void }) {
  const [locating, setLocating] = useState(false)
  const [grids, setGrids] = useState<NearbyGrid[]>([])
  const [choosing, setChoosing] = useState(false)
  const [error, setError] = useState('')
  const lat = place.location?.lat
  const lng = place.location?.lng

  useEffect(() => {
    if (lat === undefined || lng === undefined) return
    call(api.nearbyGrids, { query: { lat, lng } })
      .then((r) => setGrids(r.items))
      .catch((err) => setError(errorMessage(err)))
  }, [lat, lng])

  async function locate() {
    setLocating(true)
    setError('')
    try {
      // GCJ-02 on every platform: the h5 adapter converts the browser's WGS-84.
      const { lat: la, lng: ln } = await platform.getLocation()
      onChange({
        location: { lat: la, lng: ln },
        gridId: null,
        ...(place.address ? {} : { address: `当前位置（${la.toFixed(5)}, ${ln.toFixed(5)}）` }),
      })
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setLocating(false)
    }
  }

  const chosen = grids.find((g) => g.grid.id === place.gridId) ?? grids[0]
  return (
    <View>
      <Button className='btn btn--plain' id='report-locate' loading={locating} onClick={() => void locate()}>
        {place.location ? '重新定位' : '获取当前位置'}
      </Button>
      <View className='field report__field'>
        <Text className='field__label'>地址（可修改）</Text>
        <Input id='report-address' className='field__input' value={place.address} maxlength={200} placeholder='例如 幸福里小区 5 栋 2 单元' onInput={(e) => onChange({ address: e.detail.value })} />
      </View>
      {chosen ? (
        <View className='report__handler' id='report-handler'>
          <Text className='report__handler-text'>{`将由 ${chosen.community?.name ?? chosen.grid.name}（${chosen.grid.name}）办理`}</Text>
          <Text className='report__handler-change' id='report-change-grid' onClick={() => setChoosing(!choosing)}>{choosing ? '收起' : '不对？更改'}</Text>
        </View>
      ) : null}
      {choosing && place.location ? (
        <View className='report__grids'>
          <Text className='muted'>红点是您现在的位置。请选择问题所在的网格：</Text>
          <PlaceMap
            pin={place.location}
            areas={grids.map((g, i) => ({ id: g.grid.id, polygon: g.polygon, label: areaMark(i), selected: g.grid.id === chosen?.grid.id }))}
            onSelect={(id) => onChange({ gridId: id })}
          />
          {grids.map((g, i) => (
            <View
              key={g.grid.id}
              className={g.grid.id === chosen?.grid.id ? 'report__grid report__grid--chosen' : 'report__grid'}
              id={`report-grid-${g.grid.id}`}
              onClick={() => {
                onChange({ gridId: g.grid.id })
                setChoosing(false)
              }}
            >
              <Text className='report__grid-name'>{`${areaMark(i)} ${g.community ? `${g.community.name} · ` : ''}${g.grid.name}`}</Text>
              <Text className='report__grid-distance'>{g.inside ? '您在此网格内' : `约 ${g.distanceM} 米`}</Text>
            </View>
          ))}
        </View>
      ) : null}
      {error ? <Text className='form-error'>{error}</Text> : null}
    </View>
  )
}
