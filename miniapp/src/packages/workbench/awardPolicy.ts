import {
  AWARD_KIND_LABELS, AwardRuleInput, AwardSettingsInput, api, type BodyOf, type CategoryView, type RegionRef, type ResponseOf, type Role,
} from '@anju/shared'

export type AwardPolicy = ResponseOf<typeof api.awardPolicy>
export type AwardSettings = NonNullable<AwardPolicy['settings']>
export type AwardRule = AwardPolicy['rules'][number]
export type RuleKind = AwardRule['kind']
export type SettingsBody = BodyOf<typeof api.setAwardSettings>
export type RuleBody = BodyOf<typeof api.setAwardRule>

/** The kinds a rule may be set for (a good deed's points are said by the proposer, not by a rule). */
export const RULE_KINDS: readonly RuleKind[] = AwardRuleInput.shape.kind.options

/** Changing the programme is for administrators; the server checks their region as well. */
export function canConfigureAwards(role: Role): boolean {
  return role === 'admin'
}

/** The regions of the picker are places, not reward scopes: 「建设路街道」, never 「…全街道通用」. */
export const regionName = (region: RegionRef) => region.name

/** Where a setting or rule in force comes from, seen from `region`. */
export function isInherited(from: RegionRef, region: RegionRef): boolean {
  return from.id !== region.id
}

export function settingsSourceLabel(policy: AwardPolicy): string {
  const { settings, region } = policy
  if (!settings) return '尚未设置'
  return isInherited(settings.fromRegion, region) ? `沿用「${settings.fromRegion.name}」的设置` : '本区域设置'
}

export const limitLabel = (points: number | null) => (points === null ? '不限' : `${points} 积分`)
export const validityLabel = (months: number | null) => (months === null ? '永不过期' : `${months} 个月`)

/** A rule's category as staff read it: '' covers every category of its kind. */
export function categoryLabel(code: string, categories: CategoryView[]): string {
  if (!code) return '全部类别'
  return categories.find((c) => c.code === code)?.name ?? code
}

/** The categories a rule of this kind may name: patrols have none. */
export function categoriesFor(kind: RuleKind, categories: CategoryView[]): CategoryView[] {
  return kind === 'patrol' ? [] : categories.filter((c) => c.kind === kind)
}

export function ruleTitle(rule: Pick<AwardRule, 'kind' | 'categoryCode'>, categories: CategoryView[]): string {
  return `${AWARD_KIND_LABELS[rule.kind]} · ${categoryLabel(rule.categoryCode, categories)}`
}

export function ruleInForce(policy: AwardPolicy, kind: RuleKind, categoryCode: string): AwardRule | undefined {
  return policy.rules.find((r) => r.kind === kind && r.categoryCode === categoryCode)
}

/** One number of the settings as typed, and whether its 不限 / 永不过期 switch is on (null). */
export interface LimitDraft {
  text: string
  off: boolean
}

export const SETTINGS_FIELDS = [
  { field: 'monthlyBudget', label: '每月预算', unit: '积分', off: '不限', hint: '本区域每月最多发放的积分' },
  { field: 'dailyCapPerResident', label: '每人每日上限', unit: '积分', off: '不限', hint: '每位居民每天最多获得的积分' },
  { field: 'monthlyCapPerResident', label: '每人每月上限', unit: '积分', off: '不限', hint: '每位居民每月最多获得的积分' },
  { field: 'pointsValidMonths', label: '积分有效期', unit: '个月', off: '永不过期', hint: '获得满这么多个月仍未用掉的积分过期，1–120 个月' },
] as const
export type SettingsField = (typeof SETTINGS_FIELDS)[number]['field']
export type SettingsDraft = Record<SettingsField, LimitDraft>

const limitDraft = (value: number | null | undefined): LimitDraft =>
  value === null || value === undefined ? { text: '', off: true } : { text: String(value), off: false }

/** The form starts from what is in force, inherited or not: saving it unchanged makes it this region's own. */
export function settingsDraftOf(settings: AwardSettings | null): SettingsDraft {
  return {
    monthlyBudget: limitDraft(settings?.monthlyBudget),
    dailyCapPerResident: limitDraft(settings?.dailyCapPerResident),
    monthlyCapPerResident: limitDraft(settings?.monthlyCapPerResident),
    pointsValidMonths: limitDraft(settings?.pointsValidMonths),
  }
}

/** A typed whole number, or the problem with it in Chinese. */
function wholeNumber(text: string, label: string): { value: number } | { error: string } {
  const trimmed = text.trim()
  if (!trimmed) return { error: `请填写${label}` }
  if (!/^-?\d+$/.test(trimmed)) return { error: `${label}须为整数` }
  const value = Number(trimmed)
  if (value < 0) return { error: `${label}不能为负数` }
  return { value }
}

/** The settings form as the API body, or its first problem (top to bottom) in Chinese. */
export function checkedSettings(regionId: number, draft: SettingsDraft): { body: SettingsBody } | { error: string } {
  const values: Partial<Record<SettingsField, number | null>> = {}
  for (const { field, label } of SETTINGS_FIELDS) {
    if (draft[field].off) {
      values[field] = null
      continue
    }
    const number = wholeNumber(draft[field].text, label)
    if ('error' in number) return number
    values[field] = number.value
  }
  // The schema words the validity's range (积分有效期至少 1 个月).
  const parsed = AwardSettingsInput.safeParse({ regionId, ...values })
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? '请检查填写的内容' }
  return { body: parsed.data }
}

/** A rule as typed: points stay text until checked; '' is every category of the kind. */
export interface RuleDraft {
  kind: RuleKind
  categoryCode: string
  points: string
  autoApprove: boolean
}

export const RULE_MAX_POINTS = 10_000

/** The form for a kind and category: filled from the rule in force there, if any, to change it. */
export function ruleDraftFor(policy: AwardPolicy, kind: RuleKind, categoryCode: string): RuleDraft {
  const rule = ruleInForce(policy, kind, categoryCode)
  return { kind, categoryCode, points: rule ? String(rule.points) : '', autoApprove: rule?.autoApprove ?? false }
}

export function checkedRule(regionId: number, draft: RuleDraft): { body: RuleBody } | { error: string } {
  const number = wholeNumber(draft.points, '积分')
  if ('error' in number) return number
  if (number.value < 1) return { error: '积分至少为 1' }
  if (number.value > RULE_MAX_POINTS) return { error: `积分最多为 ${RULE_MAX_POINTS}` }
  const parsed = AwardRuleInput.safeParse({
    regionId, kind: draft.kind, categoryCode: draft.categoryCode, points: number.value, autoApprove: draft.autoApprove,
  })
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? '请检查填写的内容' }
  return { body: parsed.data }
}
