import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Input, Picker, Switch, Text, View } from '@tarojs/components'
import { AWARD_KIND_LABELS, api, type CategoryView } from '@anju/shared'
import { call } from '../../../api'
import { Section } from '../../../components/Section'
import { useIdempotentSend } from '../../../hooks/send'
import {
  RULE_KINDS, RULE_MAX_POINTS, categoriesFor, checkedRule, isInherited, ruleDraftFor, ruleInForce, type AwardPolicy, type RuleDraft,
  type RuleKind,
} from '../awardPolicy'
import { submitErrorMessage } from '../formErrors'
import './awardPolicy.scss'

/** A rule picked from the list to change; `at` tells two picks of the same rule apart. */
export interface PickedRule {
  kind: RuleKind
  categoryCode: string
  at: number
}

/** What saving this rule does at the chosen region. */
function ruleHint(policy: AwardPolicy, draft: RuleDraft): string {
  const rule = ruleInForce(policy, draft.kind, draft.categoryCode)
  if (rule && isInherited(rule.fromRegion, policy.region)) {
    return `保存后本区域及下级区域改用此规则，不再沿用「${rule.fromRegion.name}」的规则`
  }
  if (rule) return '将修改本区域的这条规则'
  return draft.categoryCode ? '将为该类别单独设置积分，本区域及下级区域按此发放' : '将新增规则，本区域及下级区域按此发放积分'
}

/** 添加或修改规则 (administrators): the points a kind of action (or one category of it) earns at the chosen region. */
export function AwardRuleEditor({ policy, categories, picked, onSaved }: {
  policy: AwardPolicy
  categories: CategoryView[]
  picked: PickedRule | null
  onSaved: (policy: AwardPolicy) => void
}) {
  const [draft, setDraft] = useState<RuleDraft>(() => ruleDraftFor(policy, picked?.kind ?? RULE_KINDS[0]!, picked?.categoryCode ?? ''))
  const [error, setError] = useState('')
  const { busy, send, forget } = useIdempotentSend()
  const kindCategories = categoriesFor(draft.kind, categories)
  const categoryIndex = kindCategories.findIndex((c) => c.code === draft.categoryCode)

  function edit(next: RuleDraft) {
    setDraft(next)
    forget()
    setError('')
  }

  // Another kind or category: start from the rule in force there, to change it, or from blank.
  const choose = (kind: RuleKind, categoryCode: string) => edit(ruleDraftFor(policy, kind, categoryCode))

  useEffect(() => {
    if (picked) choose(picked.kind, picked.categoryCode)
    // Only a new pick from the list refills the form; a reload of the policy keeps what was typed.
  }, [picked])

  async function save() {
    if (busy) return
    const result = checkedRule(policy.region.id, draft)
    if ('error' in result) {
      setError(result.error)
      return
    }
    setError('')
    try {
      const saved = await send((idempotencyKey) => call(api.setAwardRule, { body: result.body, idempotencyKey }))
      Taro.showToast({ title: '已保存', icon: 'success' })
      onSaved(saved)
    } catch (err) {
      setError(submitErrorMessage(err))
    }
  }

  return (
    <Section title='添加或修改规则' className='policy-editor'>
      <View id='policy-rule-form' className='wb-row'>
        <View className='field wb-cell'>
          <Text className='field__label'>事项</Text>
          <Picker
            mode='selector'
            range={RULE_KINDS.map((k) => AWARD_KIND_LABELS[k])}
            value={Math.max(RULE_KINDS.indexOf(draft.kind), 0)}
            onChange={(e) => choose(RULE_KINDS[Number(e.detail.value)] ?? draft.kind, '')}
          >
            <View className='field__input wb-picker' id='policy-rule-kind'>
              <Text>{AWARD_KIND_LABELS[draft.kind]}</Text>
              <Text className='wb-picker__arrow'>›</Text>
            </View>
          </Picker>
        </View>
        <View className='field wb-cell'>
          <Text className='field__label'>类别（选填）</Text>
          {kindCategories.length > 0 ? (
            <Picker
              mode='selector'
              range={['全部类别', ...kindCategories.map((c) => c.name)]}
              value={categoryIndex + 1}
              onChange={(e) => choose(draft.kind, kindCategories[Number(e.detail.value) - 1]?.code ?? '')}
            >
              <View className='field__input wb-picker' id='policy-rule-category'>
                <Text>{categoryIndex >= 0 ? kindCategories[categoryIndex]!.name : '全部类别'}</Text>
                <Text className='wb-picker__arrow'>›</Text>
              </View>
            </Picker>
          ) : (
            <View className='field__input wb-picker' id='policy-rule-category'>
              <Text>全部类别</Text>
            </View>
          )}
        </View>
      </View>
      <View className='field'>
        <Text className='field__label'>奖励积分</Text>
        <Input
          id='policy-rule-points'
          className='field__input'
          type='number'
          value={draft.points}
          placeholder={`1–${RULE_MAX_POINTS}`}
          maxlength={5}
          onInput={(e) => edit({ ...draft, points: e.detail.value })}
        />
      </View>
      <View className='policy-editor__head policy-editor__auto'>
        <View>
          <Text className='policy-editor__label'>自动发放</Text>
          <Text className='muted policy-editor__note'>开启后核实即发放，无需审核；仍受每人上限和每月预算限制</Text>
        </View>
        <Switch id='policy-rule-auto' checked={draft.autoApprove} color='#1677ff' onChange={(e) => edit({ ...draft, autoApprove: e.detail.value })} />
      </View>
      {error ? <Text className='form-error' id='policy-rule-error'>{error}</Text> : null}
      <Button
        id='policy-rule-save'
        className='btn btn--primary'
        loading={busy || undefined}
        disabled={busy || undefined}
        onClick={() => void save()}
      >
        保存规则
      </Button>
      <Text className='muted policy-editor__hint' id='policy-rule-hint'>{ruleHint(policy, draft)}</Text>
    </Section>
  )
}
