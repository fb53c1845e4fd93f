import { useEffect, useRef, useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Button, Input, Text, Textarea, View } from '@tarojs/components'
import { api, type CategoryView, type PatrolView } from '@anju/shared'
import { call, errorMessage } from '../../../../api'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import { platform, PlatformCancelledError } from '../../../../platform'
import { formatDuration, RECORD_PAGE } from '../../format'
import { liveTrackQueue } from '../../liveTrackQueue'
import { finishConfirmation, shortfallOf, shortfallText } from '../../shortfall'
import { BATCH_POINTS, type TrackQueue } from '../../trackQueue'
import '../../patrol.scss'

const FLUSH_EVERY_MS = 30_000

/** The time, ticking each second; used by the small parts that show it, so the page itself does not re-render (small setData on weapp). */
function useNow(): number {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(tick)
  }, [])
  return now
}

function Elapsed({ since }: { since: string }) {
  const now = useNow()
  return <Text className='patrol-stats__value' id='patrol-elapsed'>{formatDuration((now - new Date(since).getTime()) / 1000)}</Text>
}

/** What a valid patrol needs (the server's thresholds) and what this one still lacks, kept up to date as it runs. */
function Requirements({ patrol, fixesKept }: { patrol: PatrolView; fixesKept: number }) {
  const now = useNow()
  const missing = shortfallText(shortfallOf(patrol, { now, fixesKept }))
  const { minDurationMinutes, minCheckpoints } = patrol.requirements
  return (
    <View id='patrol-requirements' className={missing ? 'patrol-requirements' : 'patrol-requirements patrol-requirements--met'}>
      <Text className='patrol-requirements__rule'>{`有效巡逻：满 ${minDurationMinutes} 分钟，签到至少 ${minCheckpoints} 个检查点`}</Text>
      <Text id='patrol-shortfall' className='patrol-requirements__status'>
        {missing ? `还需${missing}` : '已满足有效巡逻的要求，可以结束巡逻'}
      </Text>
    </View>
  )
}

/** The live patrol: elapsed time, checkpoints done and left, check-in by scanning (or typing the code), finish. */
export default function LivePatrolPage() {
  const session = useRequireSession()
  const patrolId = Number(useRouter().params.id)
  const [patrol, setPatrol] = useState<PatrolView | null>(null)
  const [code, setCode] = useState('')
  /** Typing the short code instead of scanning (always so where nothing can scan). */
  const [typing, setTyping] = useState(false)
  const [busy, setBusy] = useState<'checkIn' | 'finish' | 'hazard' | null>(null)
  const [hazardCategories, setHazardCategories] = useState<CategoryView[]>([])
  const [hazard, setHazard] = useState<{ open: boolean; category: string; text: string }>({ open: false, category: '', text: '' })
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null)
  const [fixesKept, setFixesKept] = useState(0)
  const [loadError, setLoadError] = useState('')
  const [attempt, setAttempt] = useState(0)
  const queue = useRef<TrackQueue | null>(null)

  useEffect(() => {
    if (!session) return
    if (!Number.isInteger(patrolId) || patrolId <= 0) {
      setLoadError('巡逻编号有误')
      return
    }
    let stopWatching = () => undefined as void
    let unmounted = false
    const flush = setInterval(() => void queue.current?.flush().catch(() => undefined), FLUSH_EVERY_MS)
    call(api.patrol, { params: { id: patrolId } })
      .then((p) => {
        setPatrol(p)
        if (p.status !== 'running') return
        const track = liveTrackQueue(p.id, p.lastBatchSeq)
        queue.current = track
        setFixesKept(track.kept)
        // A refused location permission is said on the page (the hint tells where to allow it); the patrol stays.
        platform
          .watchLocation((fix) => {
            if (!track.add(fix)) return
            setFixesKept(track.kept)
            if (track.pending >= BATCH_POINTS) void track.flush().catch(() => undefined)
          })
          .then((stop) => {
            if (unmounted) stop()
            else stopWatching = stop
          })
          .catch((err) => setNotice({ text: errorMessage(err), error: true }))
      })
      .catch((err) => setLoadError(errorMessage(err)))
    return () => {
      unmounted = true
      clearInterval(flush)
      stopWatching()
    }
  }, [session, patrolId, attempt])

  async function checkIn(scanned: string) {
    if (busy || !scanned.trim()) return
    setBusy('checkIn')
    setNotice(null)
    try {
      const location = await platform.getLocation()
      const result = await call(api.checkInPatrol, {
        params: { id: patrolId },
        body: { code: scanned.trim(), location: { lat: location.lat, lng: location.lng, accuracy: location.accuracy } },
      })
      setNotice(result.accepted ? { text: `签到成功：${result.checkpointName}`, error: false } : { text: result.message ?? '签到未通过', error: true })
      setCode('')
      setPatrol(await call(api.patrol, { params: { id: patrolId } }))
    } catch (err) {
      setNotice({ text: errorMessage(err), error: true })
    } finally {
      setBusy(null)
    }
  }

  async function scan() {
    try {
      await checkIn(await platform.scanCode())
    } catch (err) {
      if (!(err instanceof PlatformCancelledError)) setNotice({ text: errorMessage(err), error: true })
    }
  }

  async function openHazard() {
    setHazard((h) => ({ ...h, open: !h.open }))
    if (hazardCategories.length) return
    try {
      setHazardCategories((await call(api.categories, { query: { kind: 'hazard' } })).items)
    } catch (err) {
      setNotice({ text: errorMessage(err), error: true })
    }
  }

  /** The hazard goes in as a report, linked to this patrol and the checkpoint last checked in at. */
  async function reportHazard() {
    if (busy || !patrol) return
    setBusy('hazard')
    try {
      const location = await platform.getLocation()
      const lastCheckIn = patrol.checkIns.filter((c) => c.accepted).at(-1)
      const result = await call(api.reportPatrolHazard, {
        params: { id: patrolId },
        body: {
          checkpointId: lastCheckIn?.checkpointId ?? null,
          report: {
            kind: 'hazard', categoryCode: hazard.category, text: hazard.text, occurredAt: new Date().toISOString(),
            location: { lat: location.lat, lng: location.lng, address: `巡逻途中：${lastCheckIn?.checkpointName ?? patrol.route.name}附近` },
          },
        },
      })
      setNotice({ text: result.duplicate ? '附近已有相同隐患，已为您关注该案件' : '隐患已上报，感谢您！', error: false })
      setHazard({ open: false, category: '', text: '' })
    } catch (err) {
      setNotice({ text: errorMessage(err), error: true })
    } finally {
      setBusy(null)
    }
  }

  async function finish() {
    if (busy || !patrol) return
    const shortfall = shortfallOf(patrol, { now: Date.now(), fixesKept })
    const { confirm } = await Taro.showModal({
      title: '结束巡逻', content: finishConfirmation(shortfall), confirmText: '确认结束', cancelText: '继续巡逻',
      // Red when finishing now throws the patrol away; both dark enough to read on the white dialog.
      confirmColor: shortfallText(shortfall) ? '#cb2634' : '#0958d9',
    })
    if (!confirm) return
    setBusy('finish')
    try {
      queue.current?.seal()
      try {
        await queue.current?.flush()
      } catch {
        throw new Error('网络不佳，轨迹还没有上传完，请稍后再结束')
      }
      const done = await call(api.finishPatrol, { params: { id: patrolId } })
      queue.current?.clear()
      Taro.redirectTo({ url: `${RECORD_PAGE}?id=${done.id}` })
    } catch (err) {
      setNotice({ text: errorMessage(err), error: true })
    } finally {
      setBusy(null)
    }
  }

  if (!session) return <Screen>{null}</Screen>
  if (!patrol) {
    const retry = () => {
      setLoadError('')
      setAttempt((n) => n + 1)
    }
    return <Screen>{loadError ? <LoadError message={loadError} onRetry={retry} /> : <Text className='notice'>加载中…</Text>}</Screen>
  }
  const done = patrol.checkpoints.filter((c) => c.done).length
  return (
    <Screen>
      <Section title={`${patrol.team.name} · ${patrol.route.name}`}>
        <View className='patrol-stats'>
          <View className='patrol-stats__item'>
            <Elapsed since={patrol.startedAt} />
            <Text className='patrol-stats__label'>已巡逻</Text>
          </View>
          <View className='patrol-stats__item'>
            <Text className='patrol-stats__value' id='patrol-done'>{`${done}/${patrol.checkpoints.length}`}</Text>
            <Text className='patrol-stats__label'>已签到</Text>
          </View>
          <View className='patrol-stats__item'>
            <Text className='patrol-stats__value' id='patrol-fixes'>{fixesKept}</Text>
            <Text className='patrol-stats__label'>轨迹点</Text>
          </View>
        </View>
        {patrol.status === 'running' ? <Requirements patrol={patrol} fixesKept={fixesKept} /> : null}
      </Section>

      <Section title='检查点'>
        {patrol.checkpoints.map((c) => (
          <View key={c.id} className={c.done ? 'checkpoint checkpoint--done' : 'checkpoint'}>
            <Text className='checkpoint__mark'>{c.done ? '✓' : c.seq}</Text>
            <Text>{c.name}</Text>
          </View>
        ))}
      </Section>

      {notice ? <Text id='patrol-notice' className={notice.error ? 'notice notice--error' : 'notice'}>{notice.text}</Text> : null}

      {patrol.status === 'running' ? (
        <View className='patrol-actions'>
          {platform.canScan ? (
            <Button id='patrol-scan' className='btn btn--primary' loading={busy === 'checkIn' || undefined} onClick={scan}>扫码签到</Button>
          ) : null}
          {platform.canScan && !typing ? (
            <Text id='patrol-type-code' className='notice patrol-type-code' onClick={() => setTyping(true)}>无法扫码？输入二维码下方的编号</Text>
          ) : (
            <Section title='输入签到编号'>
              <View className='field'>
                <Input id='patrol-code' className='field__input' value={code} placeholder='检查点二维码下方的 8 位编号' onInput={(e) => setCode(e.detail.value)} />
              </View>
              <Text className='patrol-code-hint'>不区分大小写，空格和短横线可有可无，如 k7qm 3xpd</Text>
              <Button id='patrol-check-in' className='btn btn--primary' loading={busy === 'checkIn' || undefined} onClick={() => checkIn(code)}>签到</Button>
            </Section>
          )}
          <Button id='patrol-hazard' className='btn btn--plain' onClick={openHazard}>发现隐患</Button>
          {hazard.open ? (
            <Section title='上报隐患'>
              <View className='hazard-categories'>
                {hazardCategories.map((c) => (
                  <Text
                    key={c.code}
                    className={c.code === hazard.category ? 'hazard-category hazard-category--active' : 'hazard-category'}
                    onClick={() => setHazard((h) => ({ ...h, category: c.code }))}
                  >
                    {c.name}
                  </Text>
                ))}
              </View>
              <Textarea
                id='hazard-text'
                className='hazard-text'
                value={hazard.text}
                maxlength={500}
                placeholder='描述您发现的隐患（至少 5 个字）'
                onInput={(e) => setHazard((h) => ({ ...h, text: e.detail.value }))}
              />
              <Button id='hazard-submit' className='btn btn--primary' loading={busy === 'hazard' || undefined} disabled={!hazard.category || undefined} onClick={reportHazard}>上报</Button>
            </Section>
          ) : null}
          <Button id='patrol-finish' className='btn btn--danger' loading={busy === 'finish' || undefined} onClick={finish}>结束巡逻</Button>
        </View>
      ) : (
        <Button className='btn btn--primary' onClick={() => Taro.redirectTo({ url: `${RECORD_PAGE}?id=${patrol.id}` })}>查看巡逻记录</Button>
      )}
    </Screen>
  )
}
