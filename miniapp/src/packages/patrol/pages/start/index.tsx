import { useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { api, PATROL_MEMBERSHIP_STATUS_LABELS, type PatrolRouteView, type PatrolTeamView, type PatrolView } from '@anju/shared'
import { call, errorMessage, isApiError } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import { SubscribePrompt } from '../../../../components/SubscribePrompt'
import { platform } from '../../../../platform'
import { LIVE_PAGE, RANKING_PAGE, RECORDS_PAGE } from '../../format'
import '../../patrol.scss'

/** 开始巡逻: the running patrol if there is one, else the volunteer's teams and routes (or a way to join). */
export default function StartPatrolPage() {
  const session = useRequireSession()
  const [teams, setTeams] = useState<PatrolTeamView[] | null>(null)
  const [routes, setRoutes] = useState<Record<number, PatrolRouteView[]>>({})
  const [current, setCurrent] = useState<PatrolView | null>(null)
  const [tracksConsented, setTracksConsented] = useState<boolean | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  async function load() {
    try {
      const [list, running, consents] = await Promise.all([call(api.patrolTeams), call(api.currentPatrol), call(api.myConsents)])
      setTeams(list.items)
      setCurrent(running.patrol)
      setTracksConsented(consents.items.some((c) => c.kind === 'patrol_location'))
      const mine = list.items.filter((t) => t.actions.includes('patrol'))
      const found = await Promise.all(mine.map((t) => call(api.patrolRoutes, { params: { id: t.id } })))
      setRoutes(Object.fromEntries(mine.map((t, i) => [t.id, found[i]!.items])))
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  useDidShow(() => {
    if (session) void load()
  })

  async function apply(team: PatrolTeamView) {
    try {
      await call(api.applyToPatrolTeam, { params: { id: team.id } })
      Taro.showToast({ title: '已提交申请', icon: 'success' })
      await load()
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  /** Recording where a volunteer walks needs its own consent, asked once here and kept on the server. */
  async function askTrackConsent(): Promise<boolean> {
    const { confirm } = await Taro.showModal({
      title: '巡逻位置授权',
      content: '巡逻期间，我们会记录您的位置轨迹，并在检查点核验签到位置，只用于判断巡逻是否有效和计算志愿积分。轨迹默认保存 180 天后自动删除，可在“我的 → 我的数据”中撤回授权。',
      confirmText: '同意',
      cancelText: '不同意',
      confirmColor: '#1677ff',
    })
    if (!confirm) return false
    await call(api.setConsent, { body: { kind: 'patrol_location', granted: true } })
    setTracksConsented(true)
    return true
  }

  async function start(team: PatrolTeamView, route: PatrolRouteView) {
    if (busy) return
    setError('')
    // Asked before the button turns busy: the dialog is the only thing happening while the volunteer reads it.
    try {
      if (!tracksConsented && !(await askTrackConsent())) {
        setError('需要同意记录巡逻位置轨迹才能开始巡逻')
        return
      }
    } catch (err) {
      setError(errorMessage(err))
      return
    }
    setBusy(true)
    try {
      const location = await platform.getLocation()
      // The live page records the track from location updates: a patrol they cannot start would have none,
      // so check they start (WeChat asks for them now, on this tap) before the patrol exists.
      const stopChecking = await platform.watchLocation(() => undefined)
      stopChecking()
      const patrol = await call(api.startPatrol, {
        body: { teamId: team.id, routeId: route.id, location: { lat: location.lat, lng: location.lng, accuracy: location.accuracy } },
      })
      Taro.navigateTo({ url: `${LIVE_PAGE}?id=${patrol.id}` })
    } catch (err) {
      // Withdrawn on another phone meanwhile: the next tap asks again.
      if (isApiError(err) && err.code === 'CONSENT_REQUIRED') setTracksConsented(false)
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  if (!session) return <Screen>{null}</Screen>
  return (
    <Screen>
      {error ? <Text className='notice notice--error' id='patrol-error'>{error}</Text> : null}
      <SubscribePrompt moment='patrol' text='开启微信提醒：巡逻结果和积分到账会通知您' />
      {current ? (
        <Section title='进行中的巡逻'>
          <View className='patrol-row'>
            <View className='patrol-row__main'>
              <Text className='patrol-row__title'>{`${current.team.name} · ${current.route.name}`}</Text>
              <Text className='patrol-row__meta'>{`已签到 ${current.checkpoints.filter((c) => c.done).length}/${current.checkpoints.length}`}</Text>
            </View>
            <Button id='patrol-resume' className='btn btn--primary' onClick={() => Taro.navigateTo({ url: `${LIVE_PAGE}?id=${current.id}` })}>
              继续巡逻
            </Button>
          </View>
        </Section>
      ) : null}
      {teams === null ? null : teams.length === 0 ? (
        <Section title='巡逻队'>
          <EmptyState text='附近还没有巡逻队' />
        </Section>
      ) : (
        teams.map((team) => (
          <Section key={team.id} title={team.name} extra={<Text className='patrol-row__meta'>{`${team.region.name} · ${team.memberCount} 名队员`}</Text>}>
            {team.actions.includes('apply') ? (
              <View className='patrol-row'>
                <Text className='patrol-row__meta'>{team.myMembership ? PATROL_MEMBERSHIP_STATUS_LABELS[team.myMembership] : '加入后即可参加巡逻'}</Text>
                <Button className='btn btn--primary patrol-apply' onClick={() => apply(team)}>申请加入</Button>
              </View>
            ) : null}
            {team.myMembership === 'applied' ? <Text className='notice'>申请已提交，等待社区工作人员审核</Text> : null}
            {(routes[team.id] ?? []).map((route) => (
              <View key={route.id} className='patrol-row'>
                <View className='patrol-row__main'>
                  <Text className='patrol-row__title'>{route.name}</Text>
                  <Text className='patrol-row__meta'>{`${route.checkpoints.length} 个检查点：${route.checkpoints.map((c) => c.name).join('、')}`}</Text>
                </View>
                {current ? null : (
                  <Button
                    className='btn btn--primary patrol-start'
                    loading={busy || undefined}
                    disabled={busy || undefined}
                    onClick={() => start(team, route)}
                  >
                    开始
                  </Button>
                )}
              </View>
            ))}
            {team.actions.includes('patrol') ? (
              <Text className='notice' onClick={() => Taro.navigateTo({ url: `${RANKING_PAGE}?teamId=${team.id}` })}>本月排行 ›</Text>
            ) : null}
          </Section>
        ))
      )}
      <View className='patrol-actions'>
        <Button id='patrol-records' className='btn btn--plain' onClick={() => Taro.navigateTo({ url: RECORDS_PAGE })}>巡逻记录</Button>
      </View>
    </Screen>
  )
}
