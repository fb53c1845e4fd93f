import { describe, expect, it } from 'vitest'
import { actionsFrom, canRegrade, canTransition, caseDeadlines, CASE_STATUSES, CASE_TRANSITIONS, FINAL_CASE_STATUSES, rateOutcome, slaHoursFor } from './caseMachine'
import { isValidPlate, normalizePlate, SubmitReportInput } from './schemas/cases'

describe('case state machine', () => {
  it('follows the loop from submitted to closed', () => {
    const path = ['accept', 'dispatch', 'start', 'resolve', 'verify', 'rate'] as const
    let status: (typeof CASE_STATUSES)[number] = 'submitted'
    for (const action of path) {
      expect(canTransition(status, action)).toBe(true)
      status = CASE_TRANSITIONS[action].to
    }
    expect(status).toBe('closed')
  })

  it('lets nothing leave a final status', () => {
    for (const status of FINAL_CASE_STATUSES) expect(actionsFrom(status)).toEqual([])
  })

  it('refuses skipping steps', () => {
    expect(canTransition('submitted', 'resolve')).toBe(false)
    expect(canTransition('accepted', 'verify')).toBe(false)
    expect(canTransition('resolved', 'rate')).toBe(false)
  })

  it('reopens once, then sends a second dissatisfaction to the centre', () => {
    expect(rateOutcome(true, 0)).toBe('closed')
    expect(rateOutcome(false, 0)).toBe('reopened')
    expect(rateOutcome(false, 1)).toBe('escalated')
    expect(actionsFrom('reopened')).toContain('dispatch')
  })

  it('reaches every status from submitted', () => {
    const seen = new Set(['submitted'])
    let grew = true
    while (grew) {
      grew = false
      for (const s of [...seen]) {
        for (const a of actionsFrom(s as never)) {
          const targets = a === 'rate' ? ['closed', 'reopened', 'escalated'] : [CASE_TRANSITIONS[a].to]
          for (const t of targets) if (!seen.has(t)) { seen.add(t); grew = true }
        }
      }
    }
    expect([...seen].sort()).toEqual([...CASE_STATUSES].sort())
  })
})

describe('plate numbers', () => {
  it.each(['湘C12345', '湘A8K2N1', '京AD12345', '粤BFA1234', '湘C12345D', '湘C1234学', '湘c 12345', '湘C·D12345'])('accepts %s', (p) => {
    expect(isValidPlate(p)).toBe(true)
  })
  it.each(['湘C1234', '湘C123456', 'XC12345', '湘I12345', '湘CO1234', '湘CD1234A', '湘C1234D5', ''])('refuses %s', (p) => {
    expect(isValidPlate(p)).toBe(false)
  })
  it('normalises what people type', () => {
    expect(normalizePlate(' 湘c·d1234-5 ')).toBe('湘CD12345')
  })
  it('validates a report with Chinese messages', () => {
    const result = SubmitReportInput.safeParse({ kind: 'violation', categoryCode: 'x', text: '短', location: { lat: 1, lng: 1, address: '' }, occurredAt: 'x' })
    expect(result.success).toBe(false)
    for (const issue of result.error!.issues) expect(issue.message).toMatch(/[\u4e00-\u9fa5]/)
  })
})

describe('colour sets the deadlines (红黄绿三色预警)', () => {
  const yellowCategory = { colour: 'yellow' as const, responseSlaHours: 24, resolveSlaHours: 72 }
  it('keeps the category hours at its own colour', () => {
    expect(slaHoursFor(yellowCategory, 'yellow')).toEqual({ responseHours: 24, resolveHours: 72 })
  })
  it('halves them for red and doubles them for green', () => {
    expect(slaHoursFor(yellowCategory, 'red')).toEqual({ responseHours: 12, resolveHours: 36 })
    expect(slaHoursFor(yellowCategory, 'green')).toEqual({ responseHours: 48, resolveHours: 144 })
  })
  it('scales relative to the category colour, rounding up to at least an hour', () => {
    expect(slaHoursFor({ colour: 'red', responseSlaHours: 2, resolveSlaHours: 24 }, 'yellow')).toEqual({ responseHours: 4, resolveHours: 48 })
    expect(slaHoursFor({ colour: 'green', responseSlaHours: 1, resolveSlaHours: 5 }, 'red')).toEqual({ responseHours: 1, resolveHours: 2 })
  })
  it('counts the deadlines from the given time', () => {
    const from = new Date('2026-11-25T00:00:00Z')
    const d = caseDeadlines(yellowCategory, 'red', from)
    expect(d.responseDueAt.toISOString()).toBe('2026-11-25T12:00:00.000Z')
    expect(d.resolveDueAt.toISOString()).toBe('2026-11-26T12:00:00.000Z')
  })
  it('allows re-grading only before resolution', () => {
    expect(canRegrade('in_progress')).toBe(true)
    expect(canRegrade('escalated')).toBe(true)
    for (const s of ['resolved', 'verified', 'closed', 'rejected'] as const) expect(canRegrade(s)).toBe(false)
  })
})
