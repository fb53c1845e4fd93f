import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { Image, Text, View } from '@tarojs/components'
import { MAX_REPORT_PHOTOS } from '@anju/shared'
import { errorMessage } from '../../../api'
import { uploadPhoto } from '../../../api/upload'
import { photoSrc } from '../../../components/CasePhotos'
import { platform, PlatformCancelledError } from '../../../platform'

/** A photo the server has: kept in the draft, so it survives a reload. */
export interface SentPhoto {
  id: string
  url: string
  /** The phone's own copy, shown while this visit lasts (a reload falls back to the server's). */
  localPath?: string
}

interface Pending {
  localPath: string
  failed: string | null
}

/**
 * 照片: choose up to nine, each uploaded at once; a failed one stays, marked, until it is retried or removed,
 * and a tap shows it full size. `onPendingChange` tells the form whether any photo is still unsent.
 */
export function PhotoField({ photos, onChange, onPendingChange }: {
  photos: SentPhoto[]
  onChange: (change: (prev: SentPhoto[]) => SentPhoto[]) => void
  onPendingChange: (pending: { uploading: number; failed: number }) => void
}) {
  const [pending, setPending] = useState<Pending[]>([])
  const [error, setError] = useState('')

  const updatePending = setPending
  const uploading = pending.filter((p) => !p.failed).length
  const failed = pending.length - uploading
  useEffect(() => {
    onPendingChange({ uploading, failed })
  }, [uploading, failed, onPendingChange])

  async function upload(localPath: string) {
    updatePending((prev) => prev.map((p) => (p.localPath === localPath ? { ...p, failed: null } : p)))
    try {
      const sent = await uploadPhoto(localPath)
      onChange((prev) => [...prev, { id: sent.id, url: sent.url, localPath }])
      updatePending((prev) => prev.filter((p) => p.localPath !== localPath))
    } catch (err) {
      updatePending((prev) => prev.map((p) => (p.localPath === localPath ? { ...p, failed: errorMessage(err) } : p)))
    }
  }

  async function add() {
    setError('')
    try {
      const paths = await platform.choosePhotos(MAX_REPORT_PHOTOS - photos.length - pending.length)
      updatePending((prev) => [...prev, ...paths.map((localPath) => ({ localPath, failed: null }))])
      for (const path of paths) await upload(path)
    } catch (err) {
      if (!(err instanceof PlatformCancelledError)) setError(errorMessage(err))
    }
  }

  const shown = photos.map((p) => p.localPath ?? photoSrc(p.url))
  const preview = (current: string) => void Taro.previewImage({ current, urls: [...shown, ...pending.map((p) => p.localPath)] })
  const count = photos.length + pending.length

  return (
    <View>
      <View className='report__photos'>
        {photos.map((p, i) => (
          <View key={p.id} className='report__photo report__photo--sent'>
            <Image src={shown[i]!} mode='aspectFill' className='report__photo-img' onClick={() => preview(shown[i]!)} />
            <Text className='report__photo-remove' onClick={() => onChange((prev) => prev.filter((x) => x.id !== p.id))}>删除</Text>
          </View>
        ))}
        {pending.map((p) => (
          <View key={p.localPath} className={`report__photo${p.failed ? ' report__photo--failed' : ' report__photo--uploading'}`}>
            <Image src={p.localPath} mode='aspectFill' className='report__photo-img' onClick={() => preview(p.localPath)} />
            {p.failed ? (
              <View className='report__photo-actions'>
                <Text className='report__photo-retry' onClick={() => void upload(p.localPath)}>重试</Text>
                <Text className='report__photo-remove' onClick={() => updatePending((prev) => prev.filter((x) => x.localPath !== p.localPath))}>删除</Text>
              </View>
            ) : (
              <Text className='report__photo-state'>上传中</Text>
            )}
          </View>
        ))}
        {count < MAX_REPORT_PHOTOS ? (
          <View className='report__photo report__photo--add' id='report-add-photo' onClick={() => void add()}>
            <Text className='report__photo-plus'>＋</Text>
            <Text className='report__photo-hint'>添加照片</Text>
          </View>
        ) : null}
      </View>
      {pending.some((p) => p.failed) ? (
        <Text className='form-error' id='report-photo-error'>{`照片上传失败（${pending.find((p) => p.failed)!.failed}），请点“重试”或删除`}</Text>
      ) : null}
      {error ? <Text className='form-error'>{error}</Text> : null}
    </View>
  )
}
