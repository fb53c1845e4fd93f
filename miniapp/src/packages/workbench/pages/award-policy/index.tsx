import { useRef, useState } from 'react'
import Taro from '@tarojs/taro'
import { Picker, Text, View } from '@tarojs/components'
import { AWARD_KIND_LABELS, api, type CategoryView } from '@anju/shared'
import { call, getSession } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { usePageData } from '../../../../hooks/load'
import { useRequireSession } from '../../../../hooks/session'
import {
  canConfigureAwards, categoryLabel, isInherited, limitLabel, regionName, settingsSourceLabel, validityLabel, type AwardPolicy,
  type AwardRule,
} from '../../awardPolicy'
import { AwardRuleEditor, type PickedRule } from '../../components/AwardRuleEditor'
import { AwardSettingsEditor } from '../../components/AwardSettingsEditor'
import { StaffOnly } from '../../components/StaffOnly'
import { isReviewerRole } from '../../reviewer'
import { scopeOptions } from '../../rewards'
import '../../components/workbench.scss'
import './index.scss'

/**
 * 积分规则: the award policy in force at a region of the user's area (budget, caps, validity and rules, each
 * from the region itself or its nearest ancestor). Reviewers read it; administrators change it here.
 */
export default function AwardPolicyPage() {
  const session = useRequireSession()
  // The region shown: the user's own at first. Read by the loader, so a new choice loads at once.
  const chosen = useRef<number | null>(getSession()?.user.region?.id ?? null)
  const [regionId, setRegionId] = useState(chosen.current)
  const [picked, setPicked] = useState<PickedRule | null>(null)

  const { data, loading, error, reload } = usePageData(async () => {
    const user = getSession()?.user
    const id = chosen.current
    if (!user || !isReviewerRole(user.role) || id === null) return null
    const [regions, categories, policy] = await Promise.all([
      call(api.regions),
      call(api.categories, { query: {} }),
      call(api.awardPolicy, { query: { regionId: id } }),
    ])
    return { scopes: scopeOptions(regions.items, regionName), categories: categories.items, policy }
  })

  if (!session) return <Screen>{null}</Screen>
  if (!isReviewerRole(session.user.role)) return <StaffOnly text='仅社区工作人员可以查看积分规则' />
  if (regionId === null) {
    return (
      <Screen>
        <Section>
          <EmptyState text='您的账号没有所属区域' hint='请联系管理员为您设置所属区域' />
        </Section>
      </Screen>
    )
  }

  const admin = canConfigureAwards(session.user.role)
  const scopes = data?.scopes ?? []
  const scopeIndex = scopes.findIndex((s) => s.id === regionId)
  // While another region loads, the last one's policy is not shown under the new name.
  const policy = data?.policy.region.id === regionId ? data.policy : null

  function choose(id: number) {
    if (id === chosen.current) return
    chosen.current = id
    setRegionId(id)
    setPicked(null)
    void reload()
  }

  function pickRule(rule: AwardRule) {
    setPicked({ kind: rule.kind, categoryCode: rule.categoryCode, at: Date.now() })
    void Taro.pageScrollTo({ selector: '#policy-rule-form', duration: 200 }).catch(() => undefined)
  }

  return (
    <Screen className='award-policy'>
      <Section title='区域'>
        {scopes.length > 1 ? (
          <Picker mode='selector' range={scopes.map((s) => s.label)} value={Math.max(scopeIndex, 0)} onChange={(e) => choose(scopes[Number(e.detail.value)]?.id ?? regionId)}>
            <View className='field__input wb-picker' id='policy-region'>
              <Text>{scopeIndex >= 0 ? scopes[scopeIndex]!.label : (policy?.region.name ?? '请选择区域')}</Text>
              <Text className='wb-picker__arrow'>›</Text>
            </View>
          </Picker>
        ) : (
          <View className='field__input wb-picker' id='policy-region'>
            <Text>{scopes[0]?.label ?? policy?.region.name ?? ''}</Text>
          </View>
        )}
        {admin ? (
          <Text className='muted award-policy__explain' id='policy-explain'>区域的设置和规则对其下级区域同样有效，下级区域单独设置的除外</Text>
        ) : (
          <Text className='muted award-policy__explain' id='policy-readonly'>仅管理员可以修改积分规则、预算与上限，您可以查看</Text>
        )}
      </Section>

      {error ? <LoadError message={error} onRetry={() => void reload()} /> : null}

      {policy && data ? (
        <>
          <SettingsInForce policy={policy} />
          {admin ? <AwardSettingsEditor key={`settings-${policy.region.id}`} policy={policy} onSaved={() => void reload()} /> : null}
          <RulesInForce policy={policy} categories={data.categories} onEdit={admin ? pickRule : null} />
          <PointsByCategory policy={policy} />
          {admin ? (
            <AwardRuleEditor key={`rule-${policy.region.id}`} policy={policy} categories={data.categories} picked={picked} onSaved={() => void reload()} />
          ) : null}
        </>
      ) : loading ? (
        <Text className='muted wb-state'>加载中…</Text>
      ) : null}
    </Screen>
  )
}

function SettingsInForce({ policy }: { policy: AwardPolicy }) {
  const { settings } = policy
  const inherited = settings !== null && isInherited(settings.fromRegion, policy.region)
  return (
    <Section
      title='预算与上限'
      extra={<Text className={`award-policy__source${inherited || !settings ? ' award-policy__source--inherited' : ''}`} id='policy-settings-source'>{settingsSourceLabel(policy)}</Text>}
    >
      <View className='wb-kv'>
        <Text className='wb-kv__key'>每月预算</Text>
        <View className='wb-kv__value'>
          <Text id='policy-budget'>{limitLabel(settings?.monthlyBudget ?? null)}</Text>
          {settings && settings.monthlyBudget !== null ? (
            <Text className='muted award-policy__used' id='policy-used'>{`本月已用 ${settings.usedThisMonth} 积分`}</Text>
          ) : null}
        </View>
      </View>
      <View className='wb-kv'>
        <Text className='wb-kv__key'>每人每日上限</Text>
        <Text className='wb-kv__value' id='policy-daily-cap'>{limitLabel(settings?.dailyCapPerResident ?? null)}</Text>
      </View>
      <View className='wb-kv'>
        <Text className='wb-kv__key'>每人每月上限</Text>
        <Text className='wb-kv__value' id='policy-monthly-cap'>{limitLabel(settings?.monthlyCapPerResident ?? null)}</Text>
      </View>
      <View className='wb-kv'>
        <Text className='wb-kv__key'>积分有效期</Text>
        <Text className='wb-kv__value' id='policy-validity'>{validityLabel(settings?.pointsValidMonths ?? null)}</Text>
      </View>
    </Section>
  )
}

function RulesInForce({ policy, categories, onEdit }: {
  policy: AwardPolicy
  categories: CategoryView[]
  onEdit: ((rule: AwardRule) => void) | null
}) {
  return (
    <Section title='发放规则'>
      {policy.rules.length === 0 ? (
        <EmptyState text='尚未设置积分规则' hint='没有规则的事项不发放积分' />
      ) : (
        policy.rules.map((rule) => {
          const inherited = isInherited(rule.fromRegion, policy.region)
          return (
            <View key={`${rule.kind}:${rule.categoryCode}`} className='policy-rule' id={`policy-rule-${rule.kind}-${rule.categoryCode || 'all'}`}>
              <View className='policy-rule__main'>
                <Text className='policy-rule__kind'>{AWARD_KIND_LABELS[rule.kind]}</Text>
                <Text className='policy-rule__category'>{categoryLabel(rule.categoryCode, categories)}</Text>
                <Text className={`policy-rule__from${inherited ? ' policy-rule__from--inherited' : ''}`}>
                  {inherited ? `沿用「${rule.fromRegion.name}」` : '本区域'}
                </Text>
              </View>
              <View className='policy-rule__side'>
                <Text className='policy-rule__points'>{rule.points > 0 ? `${rule.points} 积分` : '不奖励'}</Text>
                <Text className={`policy-rule__mode${rule.autoApprove ? ' policy-rule__mode--auto' : ''}`}>{rule.autoApprove ? '自动发放' : '需审核'}</Text>
                {onEdit ? (
                  <Text className='policy-rule__edit' onClick={() => onEdit(rule)}>
                    修改
                  </Text>
                ) : null}
              </View>
            </View>
          )
        })
      )}
    </Section>
  )
}

/**
 * What a report of each category is paid here, as the server resolves it for the award itself: the nearest
 * region's rule, its rule for the category before its rule for the whole kind. Residents see the same numbers
 * on 积分攻略.
 */
function PointsByCategory({ policy }: { policy: AwardPolicy }) {
  return (
    <Section title='各类上报实际积分'>
      <Text className='muted award-policy__explain'>按上面的规则得出：就近区域的规则优先，同一区域内类别规则优先于“全部类别”</Text>
      {policy.categories.map((c) => (
        <View key={c.code} className='policy-rule' id={`policy-category-${c.code}`}>
          <View className='policy-rule__main'>
            <Text className='policy-rule__kind'>{AWARD_KIND_LABELS[c.kind]}</Text>
            <Text className='policy-rule__category'>{c.name}</Text>
            <Text className='policy-rule__from policy-rule__from--inherited'>
              {c.rule ? `按「${c.rule.fromRegion.name}」${c.rule.categoryCode ? '类别规则' : '全部类别规则'}` : '没有规则'}
            </Text>
          </View>
          <View className='policy-rule__side'>
            <Text className='policy-rule__points'>{c.points > 0 ? `${c.points} 积分` : '不奖励'}</Text>
          </View>
        </View>
      ))}
    </Section>
  )
}
