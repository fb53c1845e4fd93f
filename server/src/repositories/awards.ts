import { z } from 'zod'
import { AwardKind, AwardStatus, PointsSourceType } from '@anju/shared'
import type { Queryable } from '../db/knex'
import { olderThan } from './rows'

const time = z.union([z.date(), z.number(), z.string()])

export const AwardRow = z.object({
  id: z.string(),
  region_id: z.coerce.number().int(),
  funding_region_id: z.coerce.number().int(),
  user_id: z.coerce.number().int(),
  kind: AwardKind,
  source_type: PointsSourceType,
  source_id: z.string(),
  points: z.coerce.number().int(),
  granted_points: z.coerce.number().int().nullable(),
  status: AwardStatus,
  reason: z.string(),
  proposed_by: z.coerce.number().int().nullable(),
  decided_by: z.coerce.number().int().nullable(),
  decision_note: z.string().nullable(),
  ledger_transaction_id: z.string().nullable(),
  decided_at: time.nullable(),
  created_at: time,
})
export type AwardRow = z.infer<typeof AwardRow>

export const AwardSettingsRow = z.object({
  region_id: z.coerce.number().int(),
  monthly_budget: z.coerce.number().int().nullable(),
  daily_cap_per_resident: z.coerce.number().int().nullable(),
  monthly_cap_per_resident: z.coerce.number().int().nullable(),
  points_valid_months: z.coerce.number().int().nullable(),
})
export type AwardSettingsRow = z.infer<typeof AwardSettingsRow>

const parse = (row: unknown) => (row ? AwardRow.parse(row) : undefined)

export const awardsRepo = {
  async findById(db: Queryable, id: string) {
    return parse(await db('awards').where({ id }).first())
  },
  async findBySource(db: Queryable, source: { type: string; id: string }) {
    return parse(await db('awards').where({ source_type: source.type, source_id: source.id }).first())
  },
  async insert(db: Queryable, row: Omit<AwardRow, 'granted_points' | 'decided_by' | 'decision_note' | 'ledger_transaction_id' | 'decided_at' | 'created_at'>, now: Date) {
    await db('awards').insert({ ...row, created_at: now, updated_at: now })
  },
  /** Moves an award out of `from` at `now`; false when someone else moved it first. */
  async transition(
    db: Queryable,
    id: string,
    from: AwardRow['status'],
    to: AwardRow['status'],
    fields: { decidedBy?: number | null; note?: string | null; grantedPoints?: number | null; ledgerTransactionId?: string | null },
    now: Date,
  ): Promise<boolean> {
    const row: Record<string, unknown> = { status: to, updated_at: now }
    if (fields.decidedBy !== undefined) {
      row.decided_by = fields.decidedBy
      row.decided_at = now
    }
    if (fields.note !== undefined) row.decision_note = fields.note
    if (fields.grantedPoints !== undefined) row.granted_points = fields.grantedPoints
    if (fields.ledgerTransactionId !== undefined) row.ledger_transaction_id = fields.ledgerTransactionId
    return (await db('awards').where({ id, status: from }).update(row)) === 1
  },
  async setGrant(db: Queryable, id: string, grantedPoints: number, ledgerTransactionId: string | null) {
    await db('awards').where({ id }).update({ granted_points: grantedPoints, ledger_transaction_id: ledgerTransactionId })
  },
  /** Points granted to a resident by rules (not good deeds) since `since`, in any region: what caps count. */
  async grantedSince(db: Queryable, userId: number, since: Date): Promise<number> {
    const row = await db('awards')
      .where({ user_id: userId, status: 'approved' })
      .whereNot({ kind: 'manual' })
      .andWhere('decided_at', '>=', since)
      .sum({ total: 'granted_points' })
      .first()
    return Number(row?.total ?? 0)
  },
  async pendingOf(db: Queryable, userId: number, limit: number) {
    const rows = await db('awards').where({ user_id: userId, status: 'pending' }).orderBy('created_at', 'desc').limit(limit)
    return rows.map((r) => AwardRow.parse(r))
  },
  async pendingPointsOf(db: Queryable, userId: number): Promise<number> {
    const row = await db('awards').where({ user_id: userId, status: 'pending' }).sum({ total: 'points' }).first()
    return Number(row?.total ?? 0)
  },
  /** Awards in a region subtree with a status, newest first, paged by (created_at, id). */
  async listInSubtree(
    db: Queryable,
    q: { regionPath: string; status: AwardRow['status']; before?: { createdAtMs: number; id: string }; limit: number },
  ) {
    const query = db('awards as a')
      .join('regions as r', 'r.id', 'a.region_id')
      .where('a.status', q.status)
      .andWhere('r.path', 'like', `${q.regionPath}%`)
      .orderBy([{ column: 'a.created_at', order: 'desc' }, { column: 'a.id', order: 'desc' }])
      .limit(q.limit + 1)
      .select('a.*')
    if (q.before) olderThan(query, { at: new Date(q.before.createdAtMs), id: q.before.id }, { table: 'a' })
    return (await query).map((r) => AwardRow.parse(r))
  },
  /** Every settings row that lets points expire, with its region's path. */
  async expirySettings(db: Queryable) {
    const rows = await db('award_settings as s').join('regions as r', 'r.id', 's.region_id').whereNotNull('s.points_valid_months').select('s.region_id', 's.points_valid_months', 'r.path')
    return rows.map((r) => ({ regionId: Number(r.region_id), months: Number(r.points_valid_months), path: r.path as string }))
  },
  /** Paths of the regions that have a settings row of their own (expiry on or off). */
  async settingsRegionPaths(db: Queryable) {
    return (await db('award_settings as s').join('regions as r', 'r.id', 's.region_id').select('r.path')).map((r) => r.path as string)
  },
  async settingsFor(db: Queryable, regionIds: number[]) {
    const rows = await db('award_settings').whereIn('region_id', regionIds)
    return rows.map((r) => AwardSettingsRow.parse(r))
  },
  /** Sets a region's settings; a `points_valid_months` left out keeps what the region had (null when new). */
  async upsertSettings(db: Queryable, s: Omit<AwardSettingsRow, 'points_valid_months'> & { points_valid_months?: number | null }) {
    const row = { ...s, updated_at: new Date() }
    if (row.points_valid_months === undefined) delete row.points_valid_months
    await db('award_settings')
      .insert(row)
      .onConflict('region_id')
      .merge()
  },
  async rulesFor(db: Queryable, regionIds: number[], kind: string, categoryCode: string) {
    return db('award_rules').whereIn('region_id', regionIds).andWhere({ kind }).whereIn('category_code', [categoryCode, ''])
  },
  async upsertRule(db: Queryable, r: { region_id: number; kind: string; category_code: string; points: number; auto_approve: boolean }) {
    await db('award_rules')
      .insert({ ...r, updated_at: new Date() })
      .onConflict(['region_id', 'kind', 'category_code'])
      .merge()
  },
  /** Adds to a region's issued total for the month unless that would pass `budget`; false when it would. */
  async useBudget(db: Queryable, regionId: number, month: string, points: number, budget: number): Promise<boolean> {
    await db('award_budget_usage').insert({ region_id: regionId, month, used: 0 }).onConflict(['region_id', 'month']).ignore()
    const updated = await db('award_budget_usage')
      .where({ region_id: regionId, month })
      .andWhereRaw('used + ? <= ?', [points, budget])
      .update({ used: db.raw('used + ?', [points]) })
    return updated === 1
  },
  async budgetUsed(db: Queryable, regionId: number, month: string): Promise<number> {
    const row = await db('award_budget_usage').where({ region_id: regionId, month }).first()
    return Number(row?.used ?? 0)
  },
  async returnBudget(db: Queryable, regionId: number, month: string, points: number) {
    await db('award_budget_usage').where({ region_id: regionId, month }).update({ used: db.raw('used - ?', [points]) })
  },
  async debtOf(db: Queryable, userId: number): Promise<number> {
    const row = await db('award_debts').where({ user_id: userId }).first()
    return Number(row?.outstanding ?? 0)
  },
  async addDebt(db: Queryable, userId: number, points: number) {
    await db('award_debts').insert({ user_id: userId, outstanding: 0, updated_at: new Date() }).onConflict('user_id').ignore()
    await db('award_debts').where({ user_id: userId }).update({ outstanding: db.raw('outstanding + ?', [points]), updated_at: new Date() })
  },
  /** Reduces a debt by `points` if at least that much is outstanding. */
  async repayDebt(db: Queryable, userId: number, points: number): Promise<boolean> {
    const updated = await db('award_debts')
      .where({ user_id: userId })
      .andWhere('outstanding', '>=', points)
      .update({ outstanding: db.raw('outstanding - ?', [points]), updated_at: new Date() })
    return updated === 1
  },
}
