import Taro from '@tarojs/taro'
import { Image, View } from '@tarojs/components'
import { API_BASE } from '../../api'
import './index.scss'

/** Where an <Image> loads a photo the API named: the h5 build shares the API's origin, the weapp build does not. */
export function photoSrc(url: string): string {
  return /^https?:\/\//.test(url) ? url : API_BASE + url
}

/** A row of photo thumbnails; a tap opens them full size (WeChat's viewer, or Taro's on h5). */
export function CasePhotos({ photos, className }: { photos: { id: string; url: string }[]; className?: string }) {
  if (!photos.length) return null
  const urls = photos.map((p) => photoSrc(p.url))
  return (
    <View className={`case-photos ${className ?? ''}`}>
      {photos.map((p, i) => (
        <Image
          key={p.id}
          src={urls[i]!}
          mode='aspectFill'
          className='case-photos__item'
          onClick={() => void Taro.previewImage({ current: urls[i]!, urls })}
        />
      ))}
    </View>
  )
}
