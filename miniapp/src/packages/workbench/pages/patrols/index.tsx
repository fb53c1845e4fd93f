import { useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import {
  api, AWARD_STATUS_LABELS, type PatrolMembershipView, type PatrolRouteView, type PatrolSummary, type PatrolTeamView,
  type ResponseOf,
} from '@anju/shared'
import { API_BASE, call, errorMessage, getSession } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import { platform } from '../../../../platform'
import { formatDateTime } from '../../../../utils/format'
import { RejectReasonForm } from '../../components/RejectReasonForm'
import '../../../patrol/patrol.scss'
import './index.scss'

const RECORD_PAGE = '/packages/patrol/pages/record/index'
type Coverage = ResponseOf<typeof api.patrolCoverage>

interface TeamState {
  team: PatrolTeamView
  applications: PatrolMembershipView[]
  routes: PatrolRouteView[]
  coverage: Record<number, Coverage>
}

/** Staff: applications to accept or decline, each route's codes and coverage, and finished patrols to review. */
export default function PatrolWorkbenchPage() {
  const session = useRequireSession()
  const [teams, setTeams] = useState<TeamState[] | null>(null)
  const [patrols, setPatrols] = useState<PatrolSummary[]>([])
  const [notice, setNotice] = useState('')
  /** The award whose 驳回 reason is being typed, the award being sent, and what each decision here came to. */
  const [rejecting, setRejecting] = useState<string | null>(null)
  const [busyAward, setBusyAward] = useState<string | null>(null)
  const [outcomes, setOutcomes] = useState<Record<string, string>>({})
  /** A route being drawn on foot: staff stand at each checkpoint and add it at their position. */
  const [draft, setDraft] = useState<{ teamId: number; name: string; checkpointName: string; checkpoints: { name: string; lat: number; lng: number; radiusM: number }[] } | null>(null)

  async function load() {
    try {
      const list = (await call(api.patrolTeams)).items.filter((t) => t.actions.includes('manage'))
      const states = await Promise.all(
        list.map(async (team): Promise<TeamState> => {
          const [applications, routes] = await Promise.all([
            call(api.patrolMemberships, { params: { id: team.id }, query: { status: 'applied' } }),
            call(api.patrolRoutes, { params: { id: team.id } }),
          ])
          const coverage = await Promise.all(routes.items.map((r) => call(api.patrolCoverage, { params: { id: r.id } })))
          return { team, applications: applications.items, routes: routes.items, coverage: Object.fromEntries(coverage.map((c) => [c.routeId, c])) }
        }),
      )
      setTeams(states)
      setPatrols((await call(api.staffPatrols, { query: { limit: 20 } })).items)
    } catch (err) {
      setNotice(errorMessage(err))
    }
  }
  useDidShow(() => {
    if (session) void load()
  })

  async function act(work: () => Promise<unknown>, done: string) {
    try {
      await work()
      Taro.showToast({ title: done, icon: 'success' })
      await load()
    } catch (err) {
      setNotice(errorMessage(err))
    }
  }

  /** The printable PNG needs the bearer token, so it is downloaded first and then shown for saving. */
  async function printCodes(route: PatrolRouteView) {
    try {
      const res = await Taro.downloadFile({
        url: `${API_BASE}/api/staff/patrol-routes/${route.id}/qr-sheet.png`,
        header: { Authorization: `Bearer ${getSession()?.accessToken ?? ''}` },
      })
      if (res.statusCode !== 200) throw new Error('二维码生成失败，请稍后重试')
      await Taro.previewImage({ urls: [res.tempFilePath] })
    } catch (err) {
      setNotice(errorMessage(err))
    }
  }

  async function rotate(checkpointId: number, name: string) {
    const { confirm } = await Taro.showModal({ title: '更换二维码', content: `更换后「${name}」已张贴的二维码将失效，需重新打印张贴。确定更换吗？`, confirmText: '确定更换' })
    if (confirm) await act(() => call(api.rotateCheckpointToken, { params: { id: checkpointId } }), '已更换')
  }

  async function rejectAward(awardId: string, reason: string) {
    if (busyAward) return
    setBusyAward(awardId)
    try {
      const done = await call(api.rejectAward, { params: { id: awardId }, body: { reason } })
      setPatrols((prev) => prev.map((p) => (p.award?.id === awardId ? { ...p, award: { ...p.award, status: done.status } } : p)))
      setOutcomes((prev) => ({ ...prev, [awardId]: `已驳回：${done.decisionNote ?? reason}` }))
      setRejecting(null)
    } catch (err) {
      Taro.showToast({ title: errorMessage(err), icon: 'none', duration: 2500 })
    } finally {
      setBusyAward(null)
    }
  }

  async function addCheckpointHere() {
    if (!draft) return
    try {
      const here = await platform.getLocation()
      const name = draft.checkpointName.trim() || `检查点 ${draft.checkpoints.length + 1}`
      setDraft({ ...draft, checkpointName: '', checkpoints: [...draft.checkpoints, { name, lat: here.lat, lng: here.lng, radiusM: 50 }] })
    } catch (err) {
      setNotice(errorMessage(err))
    }
  }

  async function saveRoute() {
    if (!draft) return
    const { teamId, name, checkpoints } = draft
    await act(() => call(api.createPatrolRoute, { params: { id: teamId }, body: { name, checkpoints } }), '路线已保存')
    setDraft(null)
  }

  if (!session) return <Screen>{null}</Screen>
  return (
    <Screen>
      {notice ? <Text className='notice notice--error'>{notice}</Text> : null}
      {teams && !teams.length ? (
        <Section title='巡逻队'>
          <EmptyState text='辖区内还没有巡逻队' />
        </Section>
      ) : null}
      {(teams ?? []).map(({ team, applications, routes, coverage }) => (
        <View key={team.id}>
          <Section title={`${team.name} · 入队申请`}>
            {applications.length ? null : <Text className='notice'>暂无待审核的申请</Text>}
            {applications.map((m) => (
              <View key={m.id} className='patrol-row patrol-application'>
                <View className='patrol-row__main'>
                  <Text className='patrol-row__title'>{m.user.displayName}</Text>
                  <Text className='patrol-row__meta'>{`申请于 ${formatDateTime(m.appliedAt)}`}</Text>
                </View>
                <Button className='btn btn--plain application-decline' onClick={() => act(() => call(api.declinePatrolMembership, { params: { id: m.id } }), '已拒绝')}>拒绝</Button>
                <Button className='btn btn--primary application-accept' onClick={() => act(() => call(api.acceptPatrolMembership, { params: { id: m.id } }), '已同意')}>同意</Button>
              </View>
            ))}
          </Section>
          <Section title='新建路线'>
            {draft?.teamId === team.id ? (
              <View>
                <View className='field'>
                  <Input id='route-name' className='field__input' value={draft.name} placeholder='路线名称，例如 幸福里白天路线' onInput={(e) => setDraft({ ...draft, name: e.detail.value })} />
                </View>
                {draft.checkpoints.map((c, i) => (
                  <Text key={i} className='notice draft-checkpoint'>{`${i + 1}. ${c.name}（半径 ${c.radiusM} 米）`}</Text>
                ))}
                <View className='field'>
                  <Input id='checkpoint-name' className='field__input' value={draft.checkpointName} placeholder='走到检查点后填写名称' onInput={(e) => setDraft({ ...draft, checkpointName: e.detail.value })} />
                </View>
                <View className='patrol-actions'>
                  <Button id='checkpoint-add' className='btn btn--plain' onClick={addCheckpointHere}>在当前位置添加检查点</Button>
                  <Button id='route-save' className='btn btn--primary' disabled={draft.name.trim().length < 2 || !draft.checkpoints.length || undefined} onClick={saveRoute}>保存路线</Button>
                </View>
              </View>
            ) : (
              <Text id={`route-new-${team.id}`} className='notice route-new' onClick={() => setDraft({ teamId: team.id, name: '', checkpointName: '', checkpoints: [] })}>
                ＋ 在现场逐个添加检查点
              </Text>
            )}
          </Section>
          {routes.map((route) => (
            <Section key={route.id} title={`${route.name} · 检查点`} extra={<Text className='notice route-print' onClick={() => printCodes(route)}>打印二维码</Text>}>
              {route.checkpoints.map((c) => {
                const visits = coverage[route.id]?.checkpoints.find((v) => v.id === c.id)
                return (
                  <View key={c.id} className='patrol-row coverage-row'>
                    <View className='patrol-row__main'>
                      <Text className='patrol-row__title'>{`${c.seq}. ${c.name}`}</Text>
                      <Text className='patrol-row__meta'>{`今日 ${visits?.visitsToday ?? 0} 次 · 本周 ${visits?.visitsThisWeek ?? 0} 次 · 二维码第 ${c.tokenVersion ?? 1} 版`}</Text>
                    </View>
                    <Button className='btn btn--plain' onClick={() => rotate(c.id, c.name)}>更换</Button>
                  </View>
                )
              })}
            </Section>
          ))}
        </View>
      ))}
      <Section title='巡逻审核'>
        {patrols.length ? null : <EmptyState text='还没有结束的巡逻' />}
        {patrols.map((p) => (
          <View key={p.id} className='patrol-row patrol-review'>
            <View className='patrol-row__main' onClick={() => Taro.navigateTo({ url: `${RECORD_PAGE}?id=${p.id}` })}>
              <Text className='patrol-row__title'>{`${p.volunteer.displayName} · ${p.route.name}`}</Text>
              <Text className={p.valid ? 'judgement judgement--valid' : 'judgement judgement--invalid'}>{p.summary ?? ''}</Text>
              <Text className='patrol-row__meta'>{p.award ? `${p.award.points} 积分 · ${AWARD_STATUS_LABELS[p.award.status]}` : '无积分奖励'}</Text>
            </View>
            {p.award?.status === 'pending' && rejecting !== p.award.id ? (
              <View className='patrol-review__actions'>
                <Button className='btn btn--plain award-reject' disabled={busyAward === p.award.id || undefined} onClick={() => setRejecting(p.award!.id)}>驳回</Button>
                <Button className='btn btn--primary award-approve' onClick={() => act(() => call(api.approveAward, { params: { id: p.award!.id } }), '已发放')}>通过</Button>
              </View>
            ) : null}
            {p.award && outcomes[p.award.id] ? <Text className='patrol-review__outcome'>{outcomes[p.award.id]}</Text> : null}
            {p.award?.status === 'pending' && rejecting === p.award.id ? (
              <View className='patrol-review__reject'>
                <RejectReasonForm
                  busy={busyAward === p.award.id}
                  onCancel={() => setRejecting(null)}
                  onConfirm={(reason) => void rejectAward(p.award!.id, reason)}
                />
              </View>
            ) : null}
          </View>
        ))}
      </Section>
    </Screen>
  )
}
