import { useEffect, useRef, useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Button, Image, Input, Picker, Switch, Text, Textarea, View } from '@tarojs/components'
import {
  api, isValidPlate, MAX_REPORT_PHOTOS, REPORT_KIND_LABELS, ReportKind, type CategoryView,
} from '@anju/shared'
import { call, errorMessage, newIdempotencyKey } from '../../../../api'
import { uploadPhoto } from '../../../../api/upload'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import { platform } from '../../../../platform'
import { PlatformCancelledError } from '../../../../platform/types'
import { REPORT_PAGES } from '../../../../utils/reportRoutes'
import '../../report.scss'

interface Photo {
  localPath: string
  id: string | null
  failed: boolean
}

const pad = (n: number) => String(n).padStart(2, '0')
const dateOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
const timeOf = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`

/** 我要投诉 / 我要举报 / 隐患线索: one form, the category list from the server. */
export default function NewReportPage() {
  const session = useRequireSession()
  const router = useRouter()
  const kind = ReportKind.safeParse(router.params.kind).success ? (router.params.kind as ReportKind) : 'complaint'
  const [categories, setCategories] = useState<CategoryView[]>([])
  const [categoryIndex, setCategoryIndex] = useState(-1)
  const [text, setText] = useState('')
  const [photos, setPhotos] = useState<Photo[]>([])
  const [location, setLocation] = useState<{ lat: number; lng: number } | null>(null)
  const [address, setAddress] = useState('')
  const [locating, setLocating] = useState(false)
  const [plate, setPlate] = useState('')
  const [anonymous, setAnonymous] = useState(false)
  const now = new Date()
  const [date, setDate] = useState(dateOf(now))
  const [time, setTime] = useState(timeOf(now))
  const [error, setError] = useState('')
  const [submitting, setSubmitting] = useState(false)
  // One key per report: a retry after a timeout is the same submission, never a second case.
  const submissionKey = useRef(newIdempotencyKey())

  useEffect(() => {
    Taro.setNavigationBarTitle({ title: REPORT_KIND_LABELS[kind] })
    call(api.categories, { query: { kind } })
      .then((r) => setCategories(r.items))
      .catch((err) => setError(errorMessage(err)))
  }, [kind])

  const category = categories[categoryIndex]
  const needsPlate = category?.requiredFields.includes('plate') ?? false

  async function locate() {
    setLocating(true)
    setError('')
    try {
      // GCJ-02 on every platform: the h5 adapter converts the browser's WGS-84.
      const { lat, lng } = await platform.getLocation()
      setLocation({ lat, lng })
      if (!address) setAddress(`当前位置（${lat.toFixed(5)}, ${lng.toFixed(5)}）`)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setLocating(false)
    }
  }

  async function addPhotos() {
    setError('')
    try {
      const paths = await platform.choosePhotos(MAX_REPORT_PHOTOS - photos.length)
      const added = paths.map((localPath) => ({ localPath, id: null, failed: false }))
      setPhotos((prev) => [...prev, ...added])
      for (const p of added) {
        try {
          const up = await uploadPhoto(p.localPath)
          setPhotos((prev) => prev.map((x) => (x.localPath === p.localPath ? { ...x, id: up.id } : x)))
        } catch (err) {
          setPhotos((prev) => prev.map((x) => (x.localPath === p.localPath ? { ...x, failed: true } : x)))
          setError(errorMessage(err))
        }
      }
    } catch (err) {
      if (!(err instanceof PlatformCancelledError)) setError(errorMessage(err))
    }
  }

  async function submit() {
    setError('')
    if (!category) return setError('请选择类别')
    if (!location) return setError('请先获取位置')
    if (needsPlate && !isValidPlate(plate)) return setError('请填写正确的车牌号')
    if (photos.some((p) => !p.id && !p.failed)) return setError('照片上传中，请稍候')
    setSubmitting(true)
    try {
      const result = await call(api.submitReport, {
        idempotencyKey: submissionKey.current,
        body: {
          kind,
          categoryCode: category.code,
          text: text.trim(),
          photoIds: photos.flatMap((p) => (p.id ? [p.id] : [])),
          location: { ...location, address: address.trim() },
          ...(needsPlate || plate.trim() ? { plate: plate.trim() } : {}),
          anonymous,
          occurredAt: new Date(`${date}T${time}:00`).toISOString(),
        },
      })
      Taro.showToast({ title: result.duplicate ? '已有相同诉求，已为您关注' : '提交成功', icon: 'success' })
      Taro.redirectTo({ url: REPORT_PAGES.detail(result.case.id) })
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setSubmitting(false)
    }
  }

  if (!session) return <Screen>{null}</Screen>
  return (
    <Screen className='report'>
      <Section title='类别'>
        <Picker mode='selector' range={categories.map((c) => c.name)} value={Math.max(categoryIndex, 0)} onChange={(e) => setCategoryIndex(Number(e.detail.value))}>
          <View className='field__input report__picker' id='report-category'>
            <Text>{category ? category.name : '请选择类别'}</Text>
          </View>
        </Picker>
      </Section>

      <Section title='描述'>
        <Textarea
          id='report-text'
          className='report__textarea'
          value={text}
          maxlength={500}
          placeholder='请描述发生了什么（5–500 字）'
          onInput={(e) => setText(e.detail.value)}
        />
        <Text className='muted'>{`${text.length}/500`}</Text>
      </Section>

      <Section title={`照片（最多 ${MAX_REPORT_PHOTOS} 张）`}>
        <View className='report__photos'>
          {photos.map((p) => (
            <View key={p.localPath} className={`report__photo${p.failed ? ' report__photo--failed' : ''}`}>
              <Image src={p.localPath} mode='aspectFill' className='report__photo-img' />
              <Text className='report__photo-state'>{p.failed ? '失败' : p.id ? '' : '上传中'}</Text>
            </View>
          ))}
          {photos.length < MAX_REPORT_PHOTOS ? (
            <View className='report__photo report__photo--add' id='report-add-photo' onClick={() => void addPhotos()}>
              <Text>＋</Text>
            </View>
          ) : null}
        </View>
      </Section>

      <Section title='位置'>
        <Button className='btn btn--plain' id='report-locate' loading={locating} onClick={() => void locate()}>
          {location ? '重新定位' : '获取当前位置'}
        </Button>
        <View className='field'>
          <Text className='field__label'>地址（可修改）</Text>
          <Input id='report-address' className='field__input' value={address} maxlength={200} onInput={(e) => setAddress(e.detail.value)} />
        </View>
      </Section>

      {needsPlate || kind === 'violation' ? (
        <Section title={needsPlate ? '车牌号（必填）' : '车牌号（选填）'}>
          <Input id='report-plate' className='field__input' value={plate} placeholder='例如 湘C12345 或 湘CD12345' maxlength={10} onInput={(e) => setPlate(e.detail.value)} />
        </Section>
      ) : null}

      <Section title='发生时间'>
        <View className='report__when'>
          <Picker mode='date' value={date} end={dateOf(new Date())} onChange={(e) => setDate(e.detail.value)}>
            <View className='field__input report__picker'><Text>{date}</Text></View>
          </Picker>
          <Picker mode='time' value={time} onChange={(e) => setTime(e.detail.value)}>
            <View className='field__input report__picker'><Text>{time}</Text></View>
          </Picker>
        </View>
      </Section>

      <Section>
        <View className='report__switch'>
          <View>
            <Text>匿名提交</Text>
            <Text className='muted report__hint'>处置人员看不到您是谁，积分照常发放</Text>
          </View>
          <Switch checked={anonymous} onChange={(e) => setAnonymous(e.detail.value)} />
        </View>
      </Section>

      {error ? <Text className='form-error' id='report-error'>{error}</Text> : null}
      <Button className='btn btn--primary' id='report-submit' loading={submitting} disabled={submitting} onClick={() => void submit()}>
        提交
      </Button>
    </Screen>
  )
}
