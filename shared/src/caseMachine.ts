import { z } from './zod'

/**
 * The grid loop's case state machine (SPEC "The grid loop"). The server enforces it; the mini program reads
 * it only to label things — which buttons to show comes from the server's `actions` on each case.
 */
export const CASE_STATUSES = [
  'submitted', 'accepted', 'rejected', 'dispatched', 'in_progress', 'resolved', 'verified', 'closed',
  'escalated', 'reopened',
] as const
export const CaseStatus = z.enum(CASE_STATUSES)
export type CaseStatus = z.infer<typeof CaseStatus>

export const CASE_STATUS_LABELS: Record<CaseStatus, string> = {
  submitted: '待受理',
  accepted: '已受理',
  rejected: '不予受理',
  dispatched: '已派单',
  in_progress: '处置中',
  resolved: '已处置',
  verified: '已核查',
  closed: '已办结',
  escalated: '已上报',
  reopened: '重新办理',
}

/** Statuses in which nothing more happens to a case. */
export const FINAL_CASE_STATUSES: readonly CaseStatus[] = ['closed', 'rejected']

/** Statuses still waiting for a first response (受理); the response deadline applies to these. */
export const AWAITING_RESPONSE_STATUSES: readonly CaseStatus[] = ['submitted', 'escalated']

/** Statuses in which the resolve deadline runs: accepted and not yet resolved. */
export const AWAITING_RESOLUTION_STATUSES: readonly CaseStatus[] = ['accepted', 'dispatched', 'in_progress', 'reopened']

/** Which of a case's deadlines it is working against now, if any. */
export function runningDeadline(status: CaseStatus): 'response' | 'resolve' | null {
  if (AWAITING_RESPONSE_STATUSES.includes(status)) return 'response'
  if (AWAITING_RESOLUTION_STATUSES.includes(status)) return 'resolve'
  return null
}

/** Handler actions that move a case. `rate` is the reporter's. */
export const CASE_ACTIONS = ['accept', 'reject', 'dispatch', 'start', 'resolve', 'verify', 'escalate', 'rate', 'close'] as const
export const CaseAction = z.enum(CASE_ACTIONS)
export type CaseAction = z.infer<typeof CaseAction>

export const CASE_ACTION_LABELS: Record<CaseAction, string> = {
  accept: '受理',
  reject: '不予受理',
  dispatch: '派单',
  start: '开始处置',
  resolve: '处置完成',
  verify: '核查通过',
  escalate: '上报上级',
  rate: '评价',
  close: '办结',
}

/** Where each action may start from, and where it goes. `rate` has two outcomes: see `rateOutcome`. */
export const CASE_TRANSITIONS: Record<CaseAction, { from: readonly CaseStatus[]; to: CaseStatus }> = {
  accept: { from: ['submitted', 'escalated'], to: 'accepted' },
  reject: { from: ['submitted', 'escalated'], to: 'rejected' },
  dispatch: { from: ['accepted', 'reopened'], to: 'dispatched' },
  start: { from: ['dispatched'], to: 'in_progress' },
  resolve: { from: ['in_progress'], to: 'resolved' },
  verify: { from: ['resolved'], to: 'verified' },
  escalate: { from: ['submitted', 'accepted', 'dispatched', 'in_progress', 'reopened'], to: 'escalated' },
  rate: { from: ['verified'], to: 'closed' },
  // A handler closes a verified case nobody rated, or the centre ends its review of an escalated one.
  close: { from: ['verified', 'escalated'], to: 'closed' },
}

/** Event kinds on a case's timeline: every action, plus what happens without one. */
export const CASE_EVENT_KINDS = [...CASE_ACTIONS, 'submit', 'follow', 'supervise', 'regrade'] as const
export const CaseEventKind = z.enum(CASE_EVENT_KINDS)
export type CaseEventKind = z.infer<typeof CaseEventKind>

export const CASE_EVENT_LABELS: Record<CaseEventKind, string> = {
  ...CASE_ACTION_LABELS,
  submit: '提交',
  follow: '补充反映',
  supervise: '超期督办',
  regrade: '调整预警等级',
}

/** The actions the state machine allows from `status` (policies then narrow them per actor). */
export function actionsFrom(status: CaseStatus): CaseAction[] {
  return CASE_ACTIONS.filter((action) => CASE_TRANSITIONS[action].from.includes(status))
}

export function canTransition(status: CaseStatus, action: CaseAction): boolean {
  return CASE_TRANSITIONS[action].from.includes(status)
}

/**
 * Where a rating sends a verified case: satisfied closes it; the first dissatisfaction reopens it; a
 * second goes to the centre for review (escalated).
 */
export function rateOutcome(satisfied: boolean, reopenCount: number): CaseStatus {
  if (satisfied) return 'closed'
  return reopenCount === 0 ? 'reopened' : 'escalated'
}

/** 红黄绿三色预警 */
export const CASE_COLOURS = ['red', 'yellow', 'green'] as const
export const CaseColour = z.enum(CASE_COLOURS)
export type CaseColour = z.infer<typeof CaseColour>
export const CASE_COLOUR_LABELS: Record<CaseColour, string> = { red: '红色', yellow: '黄色', green: '绿色' }

/**
 * How colour sets the deadlines. A category's response/resolve SLA hours are the deadlines for a case at the
 * category's own (default) colour; a case graded another colour gets them scaled by
 * `factor[caseColour] / factor[categoryColour]`, rounded up to whole hours and at least 1. So a yellow
 * category's 24h/72h become 12h/36h for a red case and 48h/144h for a green one, while a red category's
 * case re-graded yellow doubles. Change the table here to retune every category at once.
 */
export const CASE_COLOUR_SLA_FACTORS: Record<CaseColour, number> = { red: 0.5, yellow: 1, green: 2 }

/** Re-grading the colour (调整预警等级) moves no status, so it is not a CaseAction; it is allowed until resolution. */
export const REGRADE_STATUSES: readonly CaseStatus[] = ['submitted', 'accepted', 'dispatched', 'in_progress', 'reopened', 'escalated']

/** What a case's `actions` may offer: the state machine's moves, plus re-grading. */
export const CASE_OFFERS = [...CASE_ACTIONS, 'regrade'] as const
export const CaseOffer = z.enum(CASE_OFFERS)
export type CaseOffer = z.infer<typeof CaseOffer>

export function canRegrade(status: CaseStatus): boolean {
  return REGRADE_STATUSES.includes(status)
}

const HOUR_MS = 60 * 60 * 1000

/** SLA hours for a case of `colour` in a category (see CASE_COLOUR_SLA_FACTORS). */
export function slaHoursFor(
  category: { colour: CaseColour; responseSlaHours: number; resolveSlaHours: number },
  colour: CaseColour,
): { responseHours: number; resolveHours: number } {
  const scale = CASE_COLOUR_SLA_FACTORS[colour] / CASE_COLOUR_SLA_FACTORS[category.colour]
  const hours = (h: number) => Math.max(1, Math.ceil(h * scale))
  return { responseHours: hours(category.responseSlaHours), resolveHours: hours(category.resolveSlaHours) }
}

/** Deadlines for a case of `colour`, counted from `from` (when the case was submitted). */
export function caseDeadlines(
  category: { colour: CaseColour; responseSlaHours: number; resolveSlaHours: number },
  colour: CaseColour,
  from: Date,
): { responseDueAt: Date; resolveDueAt: Date } {
  const { responseHours, resolveHours } = slaHoursFor(category, colour)
  return {
    responseDueAt: new Date(from.getTime() + responseHours * HOUR_MS),
    resolveDueAt: new Date(from.getTime() + resolveHours * HOUR_MS),
  }
}

/** How a resolution turned out: honest outcomes are counted apart ("closed, not fixed" is not "fixed"). */
export const RESOLUTION_OUTCOMES = ['fixed', 'not_fixed', 'no_action_needed'] as const
export const ResolutionOutcome = z.enum(RESOLUTION_OUTCOMES)
export type ResolutionOutcome = z.infer<typeof ResolutionOutcome>
export const RESOLUTION_OUTCOME_LABELS: Record<ResolutionOutcome, string> = {
  fixed: '已解决',
  not_fixed: '未能解决',
  no_action_needed: '无需处理',
}
