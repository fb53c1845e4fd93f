import { useCallback, useEffect, useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Button, Picker, Switch, Text, Textarea, View, Input } from '@tarojs/components'
import {
  api, isValidPlate, REPORT_KIND_LABELS, ReportKind, type CategoryView, type DuplicateCandidate,
} from '@anju/shared'
import { call, errorMessage, isApiError } from '../../../../api'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useDraft } from '../../../../hooks/draft'
import { useIdempotentSend } from '../../../../hooks/send'
import { useRequireSession } from '../../../../hooks/session'
import { platform } from '../../../../platform'
import { REPORT_PAGES } from '../../../../utils/reportRoutes'
import { DuplicatePrompt } from '../../components/DuplicatePrompt'
import { PhotoField, type SentPhoto } from '../../components/PhotoField'
import { PlaceField, type Place } from '../../components/PlaceField'
import '../../report.scss'

const pad = (n: number) => String(n).padStart(2, '0')
const dateOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
const timeOf = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`

/** What the form holds, kept on the phone as a draft until it is sent. */
interface ReportDraft extends Place {
  categoryCode: string | null
  text: string
  photos: SentPhoto[]
  plate: string
  anonymous: boolean
  /** The reporter agrees that the photos (a copy without location) may appear in public data such as Open311. */
  publicPhotos: boolean
  date: string
  time: string
}

function emptyDraft(): ReportDraft {
  const now = new Date()
  return {
    categoryCode: null, text: '', photos: [], location: null, address: '', gridId: null, plate: '', anonymous: false, publicPhotos: false,
    date: dateOf(now), time: timeOf(now),
  }
}

const isFilled = (d: ReportDraft) => !!(d.categoryCode || d.text.trim() || d.photos.length || d.plate.trim())

/** 我要投诉 / 我要举报 / 隐患线索: one form, the category list from the server, a draft per kind until sent. */
export default function NewReportPage() {
  const session = useRequireSession()
  const router = useRouter()
  const kind = ReportKind.safeParse(router.params.kind).success ? (router.params.kind as ReportKind) : 'complaint'
  const owner = session?.user.id ?? 0
  const draft = useDraft<ReportDraft>(`anju.report.draft.${owner}.${kind}`, emptyDraft)
  const d = draft.value
  const sending = useIdempotentSend({ storageKey: `anju.report.sending.${owner}.${kind}` })
  const [categories, setCategories] = useState<CategoryView[]>([])
  const [photosPending, setPhotosPending] = useState({ uploading: 0, failed: 0 })
  const [candidates, setCandidates] = useState<DuplicateCandidate[] | null>(null)
  const [checking, setChecking] = useState(false)
  const [error, setError] = useState('')

  useEffect(() => {
    Taro.setNavigationBarTitle({ title: REPORT_KIND_LABELS[kind] })
    call(api.categories, { query: { kind } })
      .then((r) => setCategories(r.items))
      .catch((err) => setError(errorMessage(err)))
  }, [kind])

  // Leaving a filled form asks first (the draft keeps it either way).
  const filled = isFilled(d)
  useEffect(() => (filled ? platform.confirmBeforeLeaving('填写的内容已保存为草稿，下次打开可以继续。确定离开吗？') : undefined), [filled])

  /** Any edit makes the form a different report: a new send, and a fresh look for duplicates. */
  const edit = useCallback((change: Partial<ReportDraft> | ((prev: ReportDraft) => Partial<ReportDraft>)) => {
    draft.update(change)
    sending.forget()
    setCandidates(null)
  }, [draft, sending])
  const onPhotosPending = useCallback((p: { uploading: number; failed: number }) => setPhotosPending(p), [])

  const category = categories.find((c) => c.code === d.categoryCode)
  const needsPlate = category?.requiredFields.includes('plate') ?? false

  function problem(): string | null {
    if (!category) return '请选择类别'
    if (d.text.trim().length < 5) return '描述至少 5 个字'
    if (!d.location) return '请先获取位置'
    if (!d.address.trim()) return '请填写地址'
    if (needsPlate && !isValidPlate(d.plate)) return '请填写正确的车牌号'
    if (category.requiredFields.includes('photo') && d.photos.length === 0) return '该类别至少需要一张照片'
    if (photosPending.uploading) return '照片上传中，请稍候'
    if (photosPending.failed) return `有 ${photosPending.failed} 张照片上传失败，请重试或删除后再提交`
    return null
  }

  /** 提交: first a look for an open case that may be the same problem; the resident decides. */
  async function submit() {
    setError('')
    const wrong = problem()
    if (wrong) return setError(wrong)
    setChecking(true)
    try {
      const found = await call(api.duplicateCandidates, {
        query: { categoryCode: category!.code, lat: d.location!.lat, lng: d.location!.lng, ...(d.plate.trim() ? { plate: d.plate.trim() } : {}) },
      })
      if (found.items.length) return setCandidates(found.items)
    } catch (err) {
      return setError(errorMessage(err))
    } finally {
      setChecking(false)
    }
    await send(null)
  }

  async function send(followCaseId: number | null) {
    setError('')
    try {
      const result = await sending.send((idempotencyKey) => call(api.submitReport, {
        idempotencyKey,
        body: {
          kind,
          categoryCode: category!.code,
          text: d.text.trim(),
          photoIds: d.photos.map((p) => p.id),
          location: { ...d.location!, address: d.address.trim() },
          ...(needsPlate || d.plate.trim() ? { plate: d.plate.trim() } : {}),
          anonymous: d.anonymous,
          publicPhotos: d.photos.length > 0 && !category!.confidential && d.publicPhotos,
          occurredAt: new Date(`${d.date}T${d.time}:00`).toISOString(),
          ...(d.gridId ? { gridId: d.gridId } : {}),
          ...(followCaseId ? { followCaseId } : {}),
        },
      }))
      draft.clear()
      Taro.showToast({ title: result.duplicate ? '已补充到该案件' : '提交成功', icon: 'success' })
      Taro.redirectTo({ url: REPORT_PAGES.detail(result.case.id) })
    } catch (err) {
      setCandidates(null)
      if (isApiError(err) && err.code === 'NETWORK_ERROR') setError('网络不佳，内容已保存，请稍后再点“提交”（不会重复提交）')
      else setError(errorMessage(err))
    }
  }

  if (!session) return <Screen>{null}</Screen>
  const busy = sending.busy || checking
  return (
    <Screen className='report'>
      {draft.restored && filled ? (
        <View className='report__restored' id='report-restored'>
          <Text>已恢复上次未提交的内容</Text>
          <Text className='report__restored-discard' id='report-discard' onClick={() => { draft.clear(); sending.forget(); setCandidates(null) }}>清空重填</Text>
        </View>
      ) : null}

      <Section title='类别'>
        <Picker mode='selector' range={categories.map((c) => c.name)} value={Math.max(categories.findIndex((c) => c.code === d.categoryCode), 0)} onChange={(e) => edit({ categoryCode: categories[Number(e.detail.value)]?.code ?? null })}>
          <View className='field__input report__picker' id='report-category'>
            <Text>{category ? category.name : '请选择类别'}</Text>
          </View>
        </Picker>
        {category?.confidential ? <Text className='report__hint report__hint--confidential'>保密线索：只有综治中心能看到您的身份和内容</Text> : null}
      </Section>

      <Section title='描述'>
        <Textarea
          id='report-text'
          className='textarea-box report__textarea'
          value={d.text}
          maxlength={500}
          placeholder='请描述发生了什么（5–500 字）'
          onInput={(e) => edit({ text: e.detail.value })}
        />
        <Text className='muted'>{`${d.text.length}/500`}</Text>
      </Section>

      <Section title='照片（最多 9 张，可不传）'>
        <PhotoField photos={d.photos} onChange={(change) => edit((prev) => ({ photos: change(prev.photos) }))} onPendingChange={onPhotosPending} />
        {d.photos.length > 0 && !category?.confidential ? (
          <View className='report__switch report__switch--photos'>
            <View className='report__switch-text'>
              <Text>照片可公开</Text>
              <Text className='muted report__hint'>同意后，去除位置信息的照片可出现在政务公开数据中；默认不公开</Text>
            </View>
            <Switch id='report-public-photos' checked={d.publicPhotos ?? false} onChange={(e) => edit({ publicPhotos: e.detail.value })} />
          </View>
        ) : null}
      </Section>

      <Section title='位置'>
        <PlaceField place={d} onChange={edit} />
      </Section>

      {needsPlate || kind === 'violation' ? (
        <Section title={needsPlate ? '车牌号（必填）' : '车牌号（选填）'}>
          <Input id='report-plate' className='field__input' value={d.plate} placeholder='例如 湘C12345 或 湘CD12345' maxlength={10} onInput={(e) => edit({ plate: e.detail.value })} />
        </Section>
      ) : null}

      <Section title='发生时间'>
        <View className='report__when'>
          <Picker mode='date' value={d.date} end={dateOf(new Date())} onChange={(e) => edit({ date: e.detail.value })}>
            <View className='field__input report__picker'><Text>{d.date}</Text></View>
          </Picker>
          <Picker mode='time' value={d.time} onChange={(e) => edit({ time: e.detail.value })}>
            <View className='field__input report__picker'><Text>{d.time}</Text></View>
          </Picker>
        </View>
      </Section>

      <Section>
        <View className='report__switch'>
          <View className='report__switch-text'>
            <Text>匿名提交</Text>
            <Text className='muted report__hint'>处置人员看不到您是谁，积分照常发放</Text>
          </View>
          <Switch id='report-anonymous' checked={d.anonymous} onChange={(e) => edit({ anonymous: e.detail.value })} />
        </View>
      </Section>

      {candidates ? (
        <DuplicatePrompt candidates={candidates} busy={busy} onFollow={(id) => void send(id)} onNew={() => void send(null)} />
      ) : null}

      {error ? <Text className='form-error' id='report-error'>{error}</Text> : null}
      {candidates ? null : (
        <Button className='btn btn--primary' id='report-submit' loading={busy} disabled={busy} onClick={() => void submit()}>
          提交
        </Button>
      )}
    </Screen>
  )
}
