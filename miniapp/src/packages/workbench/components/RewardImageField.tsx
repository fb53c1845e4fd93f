import { useRef } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import { errorMessage } from '../../../api'
import { uploadPhoto } from '../../../api/upload'
import { platform } from '../../../platform'
import { PlatformCancelledError } from '../../../platform/types'
import type { DraftImage } from '../rewardDraft'
import './rewardImage.scss'

interface Props {
  image: DraftImage | null
  onChange: (image: DraftImage | null) => void
  onError: (message: string) => void
}

/**
 * 礼品图片: one photo from the album or the camera, uploaded as soon as it is chosen (re-encoded without EXIF by
 * the server, like a report's photos), shown with 更换 and 删除. A failed upload puts back what was there.
 */
export function RewardImageField({ image, onChange, onError }: Props) {
  // Bumped by every choice and by 删除, so an upload that finishes after the picture was changed again is ignored.
  const latest = useRef(0)
  const uploading = image !== null && image.uploadId === null

  async function choose() {
    if (uploading) return
    let path: string | undefined
    try {
      path = (await platform.choosePhotos(1))[0]
    } catch (err) {
      if (!(err instanceof PlatformCancelledError)) onError(errorMessage(err))
    }
    if (!path) return
    const previous = image
    const attempt = ++latest.current
    onChange({ src: path, uploadId: null })
    try {
      const up = await uploadPhoto(path)
      if (attempt === latest.current) onChange({ src: path, uploadId: up.id })
    } catch (err) {
      if (attempt !== latest.current) return
      onChange(previous)
      onError(`图片上传失败：${errorMessage(err)}`)
    }
  }

  function remove() {
    latest.current++
    onChange(null)
  }

  if (!image) {
    return (
      <View className='reward-image reward-image--add' id='rf-image-add' onClick={() => void choose()}>
        <Text className='reward-image__plus'>＋</Text>
        <Text className='reward-image__add-label'>添加图片</Text>
      </View>
    )
  }
  return (
    <View className='reward-image__row'>
      <View className='reward-image' id='rf-image-preview'>
        <Image src={image.src} mode='aspectFill' className='reward-image__img' />
        {uploading ? <Text className='reward-image__state' id='rf-image-uploading'>上传中…</Text> : null}
      </View>
      <View className='reward-image__actions'>
        <Button className='btn btn--plain reward-image__button' id='rf-image-change' disabled={uploading || undefined} onClick={() => void choose()}>
          更换
        </Button>
        <Button className='btn btn--danger reward-image__button reward-image__remove' id='rf-image-remove' onClick={remove}>
          删除
        </Button>
      </View>
    </View>
  )
}
