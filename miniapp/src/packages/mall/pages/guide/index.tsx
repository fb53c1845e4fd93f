import { Text, View } from '@tarojs/components'
import { api, type PointsGuide } from '@anju/shared'
import { call } from '../../../../api'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { usePageData } from '../../../../hooks/load'
import { useRequireSession } from '../../../../hooks/session'
import './index.scss'

const KIND_SECTIONS: { kind: PointsGuide['categories'][number]['kind']; title: string; when: string }[] = [
  { kind: 'violation', title: '举报违法行为', when: '经工作人员核查属实后' },
  { kind: 'hazard', title: '上报安全隐患', when: '经工作人员核查属实后' },
  { kind: 'complaint', title: '反映诉求', when: '诉求办结后' },
]

/** What a number of points a day or month means, or that there is no limit. */
function capLine(label: string, cap: number | null, used: number): string {
  return cap === null ? `${label}：不限` : `${label}：${cap} 积分，已获得 ${used}，还可获得 ${Math.max(0, cap - used)}`
}

/**
 * 积分攻略: how each kind of report and a patrol earns points in the resident's community, and the daily and
 * monthly caps with what is left of them. The numbers come from the same rules the awards are paid by.
 */
export default function PointsGuidePage() {
  const session = useRequireSession()
  const { data: guide, loading, error, reload } = usePageData(() => call(api.pointsGuide))

  if (!session) return <Screen>{null}</Screen>
  return (
    <Screen>
      {error ? <LoadError message={error} onRetry={() => void reload()} /> : null}
      {!guide ? (
        loading ? <Text className='muted state-text'>加载中…</Text> : null
      ) : (
        <View id='points-guide'>
          <Section title='积分上限'>
            <Text className='guide-row__hint' id='guide-daily'>{capLine('每日上限', guide.limits.dailyCap, guide.limits.earnedToday)}</Text>
            <Text className='guide-row__hint' id='guide-monthly'>{capLine('每月上限', guide.limits.monthlyCap, guide.limits.earnedThisMonth)}</Text>
            <Text className='guide-row__hint' id='guide-validity'>
              {guide.limits.pointsValidMonths === null ? '积分长期有效' : `积分获得后 ${guide.limits.pointsValidMonths} 个月内有效，过期作废`}
            </Text>
            <Text className='guide-row__hint'>达到上限后，当天（当月）的奖励不再发放；好人好事奖励不受上限限制。</Text>
          </Section>
          {KIND_SECTIONS.map(({ kind, title, when }) => (
            <Section key={kind} title={title}>
              <Text className='guide-row__hint'>{`${when}获得积分`}</Text>
              {guide.categories.filter((c) => c.kind === kind).map((c) => (
                <View key={c.code} className='guide-row' id={`guide-category-${c.code}`}>
                  <View>
                    <Text className='guide-row__name'>{c.name}</Text>
                    <Text className='guide-row__hint'>{c.points > 0 ? (c.autoApprove ? '自动发放' : '工作人员审核后发放') : ''}</Text>
                  </View>
                  <Text className={c.points > 0 ? 'guide-row__points' : 'guide-row__points guide-row__points--none'}>
                    {c.points > 0 ? `+${c.points}` : '不奖励'}
                  </Text>
                </View>
              ))}
            </Section>
          ))}
          <Section title='参加平安巡逻'>
            <View className='guide-row' id='guide-patrol'>
              <Text className='guide-row__name'>一次有效巡逻</Text>
              <Text className={guide.patrolPoints > 0 ? 'guide-row__points' : 'guide-row__points guide-row__points--none'}>
                {guide.patrolPoints > 0 ? `+${guide.patrolPoints}` : '不奖励'}
              </Text>
            </View>
          </Section>
          <Section>
            <Text className='guide-row__hint'>
              经核实为虚假举报、重复举报或核查结果被推翻的，已得积分将撤回；余额不足的部分从之后获得的积分中抵扣。
            </Text>
          </Section>
        </View>
      )}
    </Screen>
  )
}
