import { useCallback, useEffect, useRef, useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Button, Input, Picker, Text, View } from '@tarojs/components'
import {
  api, CASE_ACTION_LABELS, CASE_COLOURS, CASE_COLOUR_LABELS, CASE_STATUS_LABELS, RESOLUTION_OUTCOMES, RESOLUTION_OUTCOME_LABELS,
  type CaseAction, type CaseActionInput, type CaseColour, type CaseDetail, type GridWorkerList, type NearbyGrid, type ResolutionOutcome,
  type UploadView,
} from '@anju/shared'
import { call, errorMessage, newIdempotencyKey } from '../../../../api'
import { uploadPhoto } from '../../../../api/upload'
import '../../../../components/CaseCard/index.scss'
import { CaseDeadlines } from '../../../../components/CaseDeadlines'
import { CasePhotos } from '../../../../components/CasePhotos'
import { areaMark, PlaceMap } from '../../../../components/PlaceMap'
import { formatDateTime } from '../../../../utils/format'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import { platform } from '../../../../platform'
import { PlatformCancelledError } from '../../../../platform/types'
import { CASE_WORKBENCH_PAGES } from '../../components/CaseTools'
import '../../components/cases.scss'

/** Actions that need a written reason or note before they can be sent. */
const NEEDS_TEXT: Partial<Record<CaseAction, string>> = {
  reject: '不予受理的原因', escalate: '上报的原因', resolve: '处置情况', close: '办结说明',
}

/** One case for a handler: what was reported, its timeline, and only the actions the server allows now. */
export default function WorkbenchCasePage() {
  const session = useRequireSession()
  const id = Number(useRouter().params.id)
  const [item, setItem] = useState<CaseDetail | null>(null)
  const [workers, setWorkers] = useState<GridWorkerList['items']>([])
  const [workerIndex, setWorkerIndex] = useState(-1)
  const [outcome, setOutcome] = useState<ResolutionOutcome>('fixed')
  // How an escalated case really ended when the centre closes it: not fixed unless they say so.
  const [closeOutcome, setCloseOutcome] = useState<ResolutionOutcome>('not_fixed')
  const [text, setText] = useState('')
  // 不予受理 as a repeat of another case: its number (merged into it; points already given are taken back).
  const [duplicateOf, setDuplicateOf] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  // Photos of the result, uploaded as they are chosen; sent with 处置完成.
  const [resultPhotos, setResultPhotos] = useState<UploadView[]>([])
  // The case's grid and its neighbours, to draw where it happened.
  const [areas, setAreas] = useState<NearbyGrid[]>([])
  const actionKey = useRef(newIdempotencyKey())
  // 调整预警等级: the colour chosen and why (the server recomputes the deadlines).
  const [colour, setColour] = useState<CaseColour | null>(null)
  const [colourReason, setColourReason] = useState('')
  const [regradeError, setRegradeError] = useState('')

  const reload = useCallback(async () => {
    try {
      setItem(await call(api.caseDetail, { params: { id } }))
    } catch (err) {
      setError(errorMessage(err))
    }
  }, [id])

  useEffect(() => {
    void reload()
  }, [reload])
  const lat = item?.location.lat
  const lng = item?.location.lng
  useEffect(() => {
    if (lat === undefined || lng === undefined) return
    call(api.nearbyGrids, { query: { lat, lng } }).then((r) => setAreas(r.items)).catch(() => undefined)
  }, [lat, lng])
  useEffect(() => {
    if (item?.actions.includes('dispatch') && workers.length === 0) {
      call(api.gridWorkers).then((r) => setWorkers(r.items)).catch(() => undefined)
    }
  }, [item, workers.length])

  async function addPhotos() {
    setError('')
    try {
      for (const path of await platform.choosePhotos(9 - resultPhotos.length)) {
        const up = await uploadPhoto(path)
        setResultPhotos((prev) => [...prev, up])
      }
    } catch (err) {
      if (!(err instanceof PlatformCancelledError)) setError(errorMessage(err))
    }
  }

  async function run(action: CaseAction) {
    setError('')
    const note = text.trim()
    if (NEEDS_TEXT[action] && note.length < 2) return setError(`请填写${NEEDS_TEXT[action]}`)
    let body: CaseActionInput
    switch (action) {
      case 'reject': body = { action, reason: note, ...(duplicateOf.trim() ? { duplicateOf: duplicateOf.trim() } : {}) }; break
      case 'escalate': body = { action, reason: note }; break
      case 'close': body = { action, note, ...(item?.status === 'escalated' ? { outcome: closeOutcome } : {}) }; break
      case 'resolve': body = { action, outcome, note, photoIds: resultPhotos.map((p) => p.id) }; break
      case 'dispatch': {
        const worker = workers[workerIndex]
        if (!worker) return setError('请选择网格员')
        body = { action, assigneeId: worker.id, ...(note ? { note } : {}) }
        break
      }
      case 'rate': return
      default: body = { action, ...(note ? { note } : {}) }
    }
    setBusy(true)
    try {
      await call(api.caseAction, { params: { id }, body, idempotencyKey: actionKey.current })
      actionKey.current = newIdempotencyKey()
      setText('')
      setDuplicateOf('')
      if (action === 'resolve') setResultPhotos([])
      Taro.showToast({ title: `已${CASE_ACTION_LABELS[action]}`, icon: 'success' })
      await reload()
    } catch (err) {
      setError(errorMessage(err))
      // A refusal (someone else moved the case) shows the case as it is now.
      await reload()
    } finally {
      setBusy(false)
    }
  }

  async function regrade() {
    setRegradeError('')
    const reason = colourReason.trim()
    if (!colour || colour === item?.colour) return setRegradeError('请选择新的预警等级')
    if (reason.length < 2) return setRegradeError('请填写调整原因')
    setBusy(true)
    try {
      await call(api.regradeCase, { params: { id }, body: { colour, reason }, idempotencyKey: actionKey.current })
      actionKey.current = newIdempotencyKey()
      setColour(null)
      setColourReason('')
      Taro.showToast({ title: '已调整预警等级', icon: 'success' })
      await reload()
    } catch (err) {
      setRegradeError(errorMessage(err))
      await reload()
    } finally {
      setBusy(false)
    }
  }

  if (!session) return <Screen>{null}</Screen>
  if (!item) return <Screen>{error ? <Text className='form-error'>{error}</Text> : <Text className='muted'>加载中…</Text>}</Screen>
  const actions = item.actions.filter((a): a is CaseAction => a !== 'rate' && a !== 'regrade')
  return (
    <Screen>
      <Section title={`${item.category.name} · ${item.number}`} extra={<Text className={`case-chip case-chip--${item.status}`} id='wb-case-status'>{CASE_STATUS_LABELS[item.status]}</Text>}>
        <Text className='muted'>{`${CASE_COLOUR_LABELS[item.colour]}预警 · 承办：${item.region.name} · ${item.grid.name}`}</Text>
        <CaseDeadlines item={item} />
        <Text className='wb-case__text' id='wb-case-text'>{item.text}</Text>
        <CasePhotos photos={item.photos} className='wb-case__photos' />
        {item.plate ? <Text className='wb-case__note'>{`车牌：${item.plate}`}</Text> : null}
        <Text className='wb-case__note'>{`发生时间：${formatDateTime(item.occurredAt)} · 提交于 ${formatDateTime(item.createdAt)}`}</Text>
        <Text className='wb-case__note'>{`反映人：${item.reporter ? item.reporter.displayName : '匿名/保密'}${item.followers ? ` · 另有 ${item.followers} 人反映` : ''}`}</Text>
        {item.assignee ? <Text className='wb-case__note'>{`承办网格员：${item.assignee.displayName}`}</Text> : null}
        {item.relatedCase ? (
          <Text className='wb-case__note wb-case__link' id='wb-related' onClick={() => Taro.navigateTo({ url: CASE_WORKBENCH_PAGES.case(item.relatedCase!.id) })}>
            {`可能与 ${item.relatedCase.number} 是同一问题，点此查看`}
          </Text>
        ) : null}
      </Section>

      <Section title='位置'>
        <Text className='wb-case__note' id='wb-case-address'>{item.location.address}</Text>
        <PlaceMap
          pin={item.location}
          areas={areas.map((a, i) => ({ id: a.grid.id, polygon: a.polygon, label: areaMark(i), selected: a.grid.id === item.grid.id }))}
        />
        <Text className='muted'>{areas.map((a, i) => `${areaMark(i)} ${a.grid.name}`).join('　')}</Text>
        <Text className='muted'>{`${item.location.lat.toFixed(5)}, ${item.location.lng.toFixed(5)}（GCJ-02）`}</Text>
      </Section>

      {actions.length ? (
        <Section title='办理'>
          {actions.includes('dispatch') ? (
            <Picker mode='selector' range={workers.map((w) => `${w.displayName}（${w.region.name}）`)} onChange={(e) => setWorkerIndex(Number(e.detail.value))}>
              <View className='field__input' id='wb-worker'><Text>{workers[workerIndex]?.displayName ?? '选择网格员'}</Text></View>
            </Picker>
          ) : null}
          {actions.includes('resolve') ? (
            <Picker mode='selector' range={RESOLUTION_OUTCOMES.map((o) => RESOLUTION_OUTCOME_LABELS[o])} onChange={(e) => setOutcome(RESOLUTION_OUTCOMES[Number(e.detail.value)] ?? 'fixed')}>
              <View className='field__input'><Text>{`处置结果：${RESOLUTION_OUTCOME_LABELS[outcome]}`}</Text></View>
            </Picker>
          ) : null}
          {actions.includes('close') && item.status === 'escalated' ? (
            <Picker mode='selector' range={RESOLUTION_OUTCOMES.map((o) => RESOLUTION_OUTCOME_LABELS[o])} onChange={(e) => setCloseOutcome(RESOLUTION_OUTCOMES[Number(e.detail.value)] ?? 'not_fixed')}>
              <View className='field__input'><Text>{`办结结果：${RESOLUTION_OUTCOME_LABELS[closeOutcome]}`}</Text></View>
            </Picker>
          ) : null}
          {actions.includes('resolve') ? (
            <View>
              <CasePhotos photos={resultPhotos} />
              <Button className='btn btn--plain' id='wb-add-photo' disabled={busy || resultPhotos.length >= 9} onClick={() => void addPhotos()}>
                {resultPhotos.length ? `已添加 ${resultPhotos.length} 张现场照片，继续添加` : '添加现场照片'}
              </Button>
            </View>
          ) : null}
          <Input id='wb-note' className='field__input' value={text} placeholder='说明 / 原因' maxlength={500} onInput={(e) => setText(e.detail.value)} />
          {actions.includes('reject') ? (
            <Input
              id='wb-duplicate-of'
              className='field__input'
              value={duplicateOf}
              placeholder='与其他案件重复时，填原案件编号（选填）'
              maxlength={11}
              onInput={(e) => setDuplicateOf(e.detail.value)}
            />
          ) : null}
          {error ? <Text className='form-error' id='wb-action-error'>{error}</Text> : null}
          <View className='wb-case__actions'>
            {actions.map((a) => (
              <Button key={a} id={`wb-action-${a}`} className={a === 'reject' ? 'btn btn--danger' : 'btn btn--primary'} disabled={busy} onClick={() => void run(a)}>
                {CASE_ACTION_LABELS[a]}
              </Button>
            ))}
          </View>
        </Section>
      ) : null}
      {item.actions.includes('regrade') ? (
        <Section title='调整预警等级'>
          <Text className='wb-case__hint'>按新等级重新计算受理、办结时限（红色最紧，绿色最宽）</Text>
          <Picker mode='selector' range={CASE_COLOURS.map((c) => CASE_COLOUR_LABELS[c])} onChange={(e) => setColour(CASE_COLOURS[Number(e.detail.value)] ?? null)}>
            <View className='field__input' id='wb-colour'><Text>{`预警等级：${CASE_COLOUR_LABELS[colour ?? item.colour]}`}</Text></View>
          </Picker>
          <Input id='wb-colour-reason' className='field__input' value={colourReason} placeholder='调整原因' maxlength={500} onInput={(e) => setColourReason(e.detail.value)} />
          <View className='wb-case__actions'>
            <Button id='wb-regrade' className='btn btn--primary' disabled={busy} onClick={() => void regrade()}>调整预警等级</Button>
          </View>
          {regradeError ? <Text className='form-error' id='wb-regrade-error'>{regradeError}</Text> : null}
        </Section>
      ) : null}
      {error && !actions.length ? <Text className='form-error'>{error}</Text> : null}

      <Section title='办理过程'>
        {item.timeline.map((e) => (
          <View key={e.id} className='wb-case__event'>
            <View className='wb-case__event-head'>
              <Text>{`${e.label} · ${e.actor ? e.actor.displayName : '系统'}`}</Text>
              <Text className='muted'>{formatDateTime(e.createdAt)}</Text>
            </View>
            {e.note ? <Text className='wb-case__note'>{e.note}</Text> : null}
            {/* The report's own photos are shown above. */}
            {e.kind === 'submit' ? null : <CasePhotos photos={e.photos} />}
          </View>
        ))}
      </Section>
    </Screen>
  )
}
