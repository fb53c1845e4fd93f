import { z } from 'zod'
import type { Knex } from 'knex'
import { CaseColour, CaseStatus, FINAL_CASE_STATUSES, ReportKind, ResolutionOutcome } from '@anju/shared'
import type { Queryable } from '../db/knex'
import type { FollowerRow } from './caseActivity'
import { flag, jsonArray, olderThan, time } from './rows'

export const CaseRow = z.object({
  id: z.coerce.number().int(),
  number: z.string(),
  kind: ReportKind,
  category_code: z.string(),
  colour: CaseColour,
  status: CaseStatus,
  text: z.string(),
  lat: z.coerce.number(),
  lng: z.coerce.number(),
  address: z.string(),
  plate: z.string().nullable(),
  photo_ids: jsonArray(z.string()),
  anonymous: flag,
  confidential: flag,
  photos_public: flag,
  reporter_id: z.coerce.number().int(),
  region_id: z.coerce.number().int(),
  region_path: z.string(),
  grid_id: z.coerce.number().int(),
  grid_path: z.string(),
  assignee_id: z.coerce.number().int().nullable(),
  occurred_at: time,
  response_due_at: time,
  resolve_due_at: time,
  response_overdue: flag,
  resolve_overdue: flag,
  outcome: ResolutionOutcome.nullable(),
  rating_satisfied: flag.nullable(),
  rating_comment: z.string().nullable(),
  reopen_count: z.coerce.number().int(),
  follower_count: z.coerce.number().int(),
  related_case_id: z.coerce.number().int().nullable(),
  accepted_at: time.nullable(),
  resolved_at: time.nullable(),
  closed_at: time.nullable(),
  created_at: time,
  updated_at: time,
  version: z.coerce.number().int(),
})
export type CaseRow = z.infer<typeof CaseRow>

export interface NewCase {
  number: string
  kind: ReportKind
  categoryCode: string
  colour: CaseColour
  text: string
  lat: number
  lng: number
  address: string
  plate: string | null
  photoIds: string[]
  anonymous: boolean
  confidential: boolean
  /** The reporter agreed to show the photos in public feeds. */
  photosPublic: boolean
  reporterId: number
  relatedCaseId: number | null
  region: { id: number; path: string }
  grid: { id: number; path: string }
  occurredAt: Date
  responseDueAt: Date
  resolveDueAt: Date
  now: Date
}

/** Columns a transition may change; anything else about a case is fixed at intake. */
export interface CaseChanges {
  status?: CaseStatus
  colour?: CaseColour
  region_id?: number
  region_path?: string
  assignee_id?: number | null
  response_due_at?: Date
  resolve_due_at?: Date
  response_overdue?: boolean
  resolve_overdue?: boolean
  outcome?: ResolutionOutcome | null
  rating_satisfied?: boolean | null
  rating_comment?: string | null
  related_case_id?: number | null
  reopen_count?: number
  accepted_at?: Date
  resolved_at?: Date | null
  closed_at?: Date
}

export interface CaseFilter {
  regionPath: string
  status?: CaseStatus
  colour?: CaseColour
  overdue?: boolean
  /** Also include cases assigned to this user wherever they sit. */
  assigneeId?: number
  /** The last case of the previous page (newest first by creation time). */
  before?: { at: Date; id: number }
  limit: number
}

const parseCases = (rows: unknown[]) => rows.map((r) => CaseRow.parse(r))
/** Newest first by filing time, the id breaking ties; `table` qualifies the columns in a join. */
const newestFirst = (table?: string) =>
  ['created_at', 'id'].map((name) => ({ column: table ? `${table}.${name}` : name, order: 'desc' as const }))

export const casesRepo = {
  async findById(db: Queryable, id: number) {
    const row = await db('cases').where({ id }).first()
    return row ? CaseRow.parse(row) : undefined
  },
  async findByNumber(db: Queryable, number: string) {
    const row = await db('cases').where({ number }).first()
    return row ? CaseRow.parse(row) : undefined
  },
  async findByIds(db: Queryable, ids: number[]) {
    if (ids.length === 0) return []
    return parseCases(await db('cases').whereIn('id', ids))
  },

  /** The next number of the (China) day; the counter row is locked until the transaction ends. */
  async nextSequence(db: Queryable, day: string): Promise<number> {
    // One upsert, which takes the row's exclusive lock at once: an INSERT IGNORE (a shared lock on the existing
    // row) followed by an UPDATE deadlocks as soon as two reports arrive together.
    await db('case_number_counters').insert({ day, last: 1 }).onConflict('day').merge({ last: db.raw('last + 1') })
    const row = await db('case_number_counters').where({ day }).first()
    return Number(row.last)
  },

  async insert(db: Queryable, c: NewCase): Promise<number> {
    const [id] = await db('cases').insert({
      number: c.number, kind: c.kind, category_code: c.categoryCode, colour: c.colour, status: 'submitted',
      text: c.text, lat: c.lat, lng: c.lng, address: c.address, plate: c.plate, photo_ids: JSON.stringify(c.photoIds),
      anonymous: c.anonymous, confidential: c.confidential, photos_public: c.photosPublic, reporter_id: c.reporterId,
      related_case_id: c.relatedCaseId,
      region_id: c.region.id, region_path: c.region.path, grid_id: c.grid.id, grid_path: c.grid.path,
      occurred_at: c.occurredAt, response_due_at: c.responseDueAt, resolve_due_at: c.resolveDueAt,
      follower_count: 0, created_at: c.now, updated_at: c.now, version: 0,
    })
    return Number(id)
  },

  /** Applies `changes` only if the case is still at `expected` status and version; false when it moved. */
  async update(db: Queryable, row: Pick<CaseRow, 'id' | 'status' | 'version'>, changes: CaseChanges, now: Date) {
    const count = await db('cases')
      .where({ id: row.id, status: row.status, version: row.version })
      .update({ ...changes, version: row.version + 1, updated_at: now })
    return count === 1
  },

  /** Tokens handed to Open311 clients before requests were answered with their id; still resolved. */
  async findByOpen311Token(db: Queryable, token: string) {
    const row = await db('cases').where({ open311_token: token }).first()
    return row ? CaseRow.parse(row) : undefined
  },

  /**
   * What public feeds (Open311) may list: never a confidential clue, nor any case of a category that is
   * confidential now, however it was filed; newest first.
   */
  async listPublic(
    db: Queryable,
    f: { numbers?: string[]; codes?: string[]; statuses?: CaseStatus[]; from: Date; to: Date; limit: number },
  ) {
    const q = db('cases')
      .where({ confidential: false })
      .whereNotIn('category_code', db('case_categories').select('code').where({ confidential: true }))
      .andWhere('created_at', '>=', f.from)
      .andWhere('created_at', '<=', f.to)
    if (f.numbers) q.whereIn('number', f.numbers)
    if (f.codes) q.whereIn('category_code', f.codes)
    if (f.statuses) q.whereIn('status', f.statuses)
    return parseCases(await q.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(f.limit))
  },

  async incrementFollowers(db: Queryable, id: number) {
    await db('cases').where({ id }).increment('follower_count', 1)
  },

  /** Open cases of the category with this plate, reported since `since`. */
  async openWithPlate(db: Queryable, categoryCode: string, plate: string, since: Date) {
    return parseCases(
      await db('cases')
        .where({ category_code: categoryCode, plate })
        .andWhere('created_at', '>=', since)
        .whereNotIn('status', FINAL_CASE_STATUSES as CaseStatus[])
        .orderBy([{ column: 'created_at' }, { column: 'id' }])
        .limit(20),
    )
  },

  /** Open cases of the category inside a bounding box, reported since `since`. */
  async openNear(db: Queryable, categoryCode: string, box: { minLat: number; maxLat: number; minLng: number; maxLng: number }, since: Date) {
    return parseCases(
      await db('cases')
        .where({ category_code: categoryCode })
        .andWhere('created_at', '>=', since)
        .whereBetween('lat', [box.minLat, box.maxLat])
        .whereBetween('lng', [box.minLng, box.maxLng])
        .whereNotIn('status', FINAL_CASE_STATUSES as CaseStatus[])
        .orderBy([{ column: 'created_at' }, { column: 'id' }])
        .limit(50),
    )
  },

  async listInScope(db: Queryable, f: CaseFilter) {
    const page = (where: (q: Knex.QueryBuilder) => void) => {
      const q = db('cases')
      where(q)
      if (f.status) q.andWhere('status', f.status)
      if (f.colour) q.andWhere('colour', f.colour)
      if (f.overdue === true) q.andWhere((w) => w.where('response_overdue', true).orWhere('resolve_overdue', true))
      if (f.overdue === false) q.andWhere({ response_overdue: false, resolve_overdue: false })
      if (f.before) olderThan(q, f.before)
      return q.orderBy(newestFirst()).limit(f.limit)
    }
    const inScope = await page((q) => q.where('region_path', 'like', `${f.regionPath}%`))
    if (!f.assigneeId) return parseCases(inScope)
    // A grid worker also sees what is assigned to them elsewhere. Two limited scans, each on its own index
    // ((region_path, created_at, id) and (assignee_id, created_at, id)), merged here: an OR of the two makes the
    // database read both indexes whole and sort the union before it can stop at the page.
    const assigned = await page((q) => q.where('assignee_id', f.assigneeId!))
    const byId = new Map(parseCases([...inScope, ...assigned]).map((row) => [row.id, row]))
    return [...byId.values()].sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || b.id - a.id).slice(0, f.limit)
  },

  /** Cases a resident reported or follows, newest first, with how the resident relates to each. */
  async listFollowedBy(db: Queryable, userId: number, before: { at: Date; id: number } | undefined, limit: number) {
    const q = db('cases')
      .join('case_followers', 'case_followers.case_id', 'cases.id')
      .where('case_followers.user_id', userId)
      .select('cases.*', { follower_relation: 'case_followers.relation' })
    if (before) olderThan(q, before, { table: 'cases' })
    const rows = await q.orderBy(newestFirst('cases')).limit(limit)
    const relations = new Map(rows.map((r: { id: number; follower_relation: FollowerRow['relation'] }) => [Number(r.id), r.follower_relation]))
    return { cases: parseCases(rows), relations }
  },

  /** Cases past a deadline not yet marked: response (still unanswered) or resolve (still open). */
  async dueForSupervision(db: Queryable, now: Date, limit: number) {
    const response = await db('cases')
      .whereIn('status', ['submitted', 'escalated'])
      .andWhere('response_due_at', '<', now)
      .andWhere({ response_overdue: false })
      .orderBy('response_due_at')
      .limit(limit)
    const resolve = await db('cases')
      .whereIn('status', ['submitted', 'accepted', 'dispatched', 'in_progress', 'reopened', 'escalated'])
      .andWhere('resolve_due_at', '<', now)
      .andWhere({ resolve_overdue: false })
      .orderBy('resolve_due_at')
      .limit(limit)
    return { response: parseCases(response), resolve: parseCases(resolve) }
  },

  /** Marks a deadline missed, once: false when another run got there first. */
  async markOverdue(db: Queryable, id: number, which: 'response' | 'resolve', now: Date) {
    const column = which === 'response' ? 'response_overdue' : 'resolve_overdue'
    const count = await db('cases').where({ id, [column]: false }).update({ [column]: true, updated_at: now })
    return count === 1
  },
}

export const CaseMetricsRow = z.object({
  id: z.coerce.number().int(),
  status: CaseStatus,
  grid_id: z.coerce.number().int(),
  grid_path: z.string(),
  assignee_id: z.coerce.number().int().nullable(),
  outcome: ResolutionOutcome.nullable(),
  rating_satisfied: flag.nullable(),
  resolve_due_at: time,
  closed_at: time.nullable(),
  created_at: time,
})
export type CaseMetricsRow = z.infer<typeof CaseMetricsRow>

export const caseMetricsRepo = {
  /** The columns metrics need, for cases that happened under `gridPathPrefix` and were filed in [from, to). */
  async filedBetween(db: Queryable, gridPathPrefix: string, from: Date, to: Date) {
    const rows = await db('cases')
      .where('grid_path', 'like', `${gridPathPrefix}%`)
      .andWhere('created_at', '>=', from)
      .andWhere('created_at', '<', to)
      .select('id', 'status', 'grid_id', 'grid_path', 'assignee_id', 'outcome', 'rating_satisfied', 'resolve_due_at', 'closed_at', 'created_at')
    return rows.map((r: unknown) => CaseMetricsRow.parse(r))
  },
}
