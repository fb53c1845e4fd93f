import { z } from 'zod'
import { PatrolStatus } from '@anju/shared'
import type { Queryable } from '../db/knex'
import { AwardRow } from './awards'
import { PatrolRouteRow, PatrolTeamRow } from './patrolTeams'
import { olderThan } from './rows'

const time = z.union([z.date(), z.number(), z.string()]).transform((v) => new Date(v))
const id = z.coerce.number().int()
const flag = z.union([z.boolean(), z.number()]).transform(Boolean)
/** Blobs come back as Buffer from both drivers. */
const blob = z.instanceof(Uint8Array)

export const PatrolRow = z.object({
  id, user_id: id, team_id: id, route_id: id, region_id: id, status: PatrolStatus,
  start_lat: z.coerce.number(), start_lng: z.coerce.number(), start_accuracy: z.coerce.number().nullable(),
  started_at: time, ended_at: time.nullable(), auto_closed: flag,
  checkpoints_total: id, checkpoints_done: id, duration_s: id.nullable(), distance_m: id.nullable(),
  valid: flag.nullable(), rewarded: flag, judgement: z.string().nullable(),
})
export type PatrolRow = z.infer<typeof PatrolRow>

export const TrackBatchRow = z.object({ patrol_id: id, batch_seq: id, point_count: id, points: blob, received_at: time })
export type TrackBatchRow = z.infer<typeof TrackBatchRow>

export const TrackRow = z.object({ patrol_id: id, point_count: id, last_batch_seq: id, points: blob })

export const CheckInRow = z.object({
  id, patrol_id: id, checkpoint_id: id, lat: z.coerce.number(), lng: z.coerce.number(),
  accuracy: z.coerce.number().nullable(), distance_m: id, token_version: id, token_current: flag,
  within_radius: flag, accepted: flag, checked_at: time,
})
export type CheckInRow = z.infer<typeof CheckInRow>

const one = <S extends z.ZodType>(schema: S) => (row: unknown): z.output<S> | undefined => (row ? schema.parse(row) : undefined)
const all = <S extends z.ZodType>(schema: S) => (rows: unknown[]): z.output<S>[] => rows.map((r) => schema.parse(r))

export interface PatrolCursor {
  /** The last patrol of the previous page (newest first by start time). */
  before?: { at: Date; id: number }
  limit: number
}

export const patrolsRepo = {
  async insert(
    db: Queryable,
    p: { userId: number; teamId: number; routeId: number; regionId: number; lat: number; lng: number; accuracy: number | null; startedAt: Date; checkpointsTotal: number },
  ): Promise<number> {
    const [patrolId] = await db('patrols').insert({
      user_id: p.userId, team_id: p.teamId, route_id: p.routeId, region_id: p.regionId, status: 'running',
      running_user_id: p.userId, start_lat: p.lat, start_lng: p.lng, start_accuracy: p.accuracy,
      started_at: p.startedAt, checkpoints_total: p.checkpointsTotal, created_at: p.startedAt, updated_at: p.startedAt,
    })
    return Number(patrolId)
  },
  async findById(db: Queryable, patrolId: number) {
    return one(PatrolRow)(await db('patrols').where({ id: patrolId }).first())
  },
  /** Locks the patrol row for the rest of the transaction, so finish and the stale job judge it once. */
  async lock(db: Queryable, patrolId: number) {
    return one(PatrolRow)(await db('patrols').where({ id: patrolId }).forUpdate().first())
  },
  async runningOf(db: Queryable, userId: number) {
    return one(PatrolRow)(await db('patrols').where({ running_user_id: userId }).first())
  },
  async ofUser(db: Queryable, userId: number, page: PatrolCursor) {
    const q = db('patrols').where({ user_id: userId })
      .orderBy([{ column: 'started_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(page.limit)
    if (page.before) olderThan(q, page.before, { time: 'started_at' })
    return all(PatrolRow)(await q)
  },
  /** Finished patrols under a region path, newest first. */
  async finishedUnder(db: Queryable, pathPrefix: string, filter: PatrolCursor & { teamId?: number; valid?: boolean }) {
    const q = db('patrols as p')
      .join('regions as r', 'r.id', 'p.region_id')
      .where('r.path', 'like', `${pathPrefix}%`)
      .andWhere('p.status', 'finished')
      .orderBy([{ column: 'p.started_at', order: 'desc' }, { column: 'p.id', order: 'desc' }])
      .limit(filter.limit)
      .select('p.*')
    if (filter.before) olderThan(q, filter.before, { table: 'p', time: 'started_at' })
    if (filter.teamId) q.andWhere('p.team_id', filter.teamId)
    if (filter.valid !== undefined) q.andWhere('p.valid', filter.valid)
    return all(PatrolRow)(await q)
  },
  /** Running patrols started before `before`, oldest first. */
  async staleIds(db: Queryable, before: Date, limit: number): Promise<number[]> {
    const rows = await db('patrols').where({ status: 'running' }).andWhere('started_at', '<', before).orderBy('started_at').limit(limit).select('id')
    return rows.map((r: { id: number }) => Number(r.id))
  },
  /** The volunteer's other patrols that could overlap [from, to]. */
  async othersAround(db: Queryable, userId: number, exceptId: number, from: Date, to: Date) {
    const rows = await db('patrols')
      .where({ user_id: userId })
      .andWhereNot({ id: exceptId })
      .andWhere('started_at', '<', to)
      .andWhere((w) => w.whereNull('ended_at').orWhere('ended_at', '>', from))
    return all(PatrolRow)(rows)
  },
  async rewardedBetween(db: Queryable, userId: number, from: Date, to: Date): Promise<number> {
    const row = await db('patrols')
      .where({ user_id: userId, rewarded: true })
      .andWhere('started_at', '>=', from)
      .andWhere('started_at', '<', to)
      .count({ n: '*' })
      .first()
    return Number(row?.n ?? 0)
  },
  async finish(
    db: Queryable,
    patrolId: number,
    f: { endedAt: Date; autoClosed: boolean; checkpointsDone: number; durationS: number; distanceM: number; valid: boolean; rewarded: boolean; judgement: string },
  ): Promise<boolean> {
    const changed = await db('patrols').where({ id: patrolId, status: 'running' }).update({
      status: 'finished', running_user_id: null, ended_at: f.endedAt, auto_closed: f.autoClosed,
      checkpoints_done: f.checkpointsDone, duration_s: f.durationS, distance_m: f.distanceM, valid: f.valid,
      rewarded: f.rewarded, judgement: f.judgement, judged_at: new Date(), updated_at: new Date(),
    })
    return changed === 1
  },
  async setCheckpointsDone(db: Queryable, patrolId: number, done: number) {
    await db('patrols').where({ id: patrolId }).update({ checkpoints_done: done })
  },
  /** Valid patrols of a team in [from, to), per volunteer. */
  async rankingOf(db: Queryable, teamId: number, from: Date, to: Date) {
    const rows = await db('patrols as p')
      .join('users as u', 'u.id', 'p.user_id')
      .where({ 'p.team_id': teamId, 'p.valid': true })
      .andWhere('p.started_at', '>=', from)
      .andWhere('p.started_at', '<', to)
      .groupBy('p.user_id', 'u.display_name')
      .select(
        'p.user_id', 'u.display_name',
        db.raw('count(*) as patrols'), db.raw('sum(p.duration_s) as seconds'), db.raw('sum(p.checkpoints_done) as checkpoints'),
      )
    return rows.map((r: Record<string, unknown>) => ({
      userId: Number(r.user_id), displayName: String(r.display_name), patrols: Number(r.patrols),
      seconds: Number(r.seconds ?? 0), checkpoints: Number(r.checkpoints ?? 0),
    }))
  },
}

export const patrolTracksRepo = {
  async findBatch(db: Queryable, patrolId: number, batchSeq: number) {
    return one(TrackBatchRow)(await db('patrol_track_batches').where({ patrol_id: patrolId, batch_seq: batchSeq }).first())
  },
  async insertBatch(db: Queryable, b: { patrolId: number; batchSeq: number; pointCount: number; points: Buffer; receivedAt: Date }) {
    await db('patrol_track_batches').insert({
      patrol_id: b.patrolId, batch_seq: b.batchSeq, point_count: b.pointCount, points: b.points, received_at: b.receivedAt,
    })
  },
  async batchesOf(db: Queryable, patrolId: number) {
    return all(TrackBatchRow)(await db('patrol_track_batches').where({ patrol_id: patrolId }).orderBy('batch_seq'))
  },
  /** The batches of several patrols, each patrol's in upload order. */
  async batchesOfPatrols(db: Queryable, patrolIds: number[]) {
    if (patrolIds.length === 0) return []
    return all(TrackBatchRow)(await db('patrol_track_batches').whereIn('patrol_id', patrolIds).orderBy([{ column: 'patrol_id' }, { column: 'batch_seq' }]))
  },
  async lastBatchSeq(db: Queryable, patrolId: number): Promise<number> {
    const row = await db('patrol_track_batches').where({ patrol_id: patrolId }).max({ seq: 'batch_seq' }).first()
    return Number(row?.seq ?? 0)
  },
  async findTrack(db: Queryable, patrolId: number) {
    return one(TrackRow)(await db('patrol_tracks').where({ patrol_id: patrolId }).first())
  },
  /** The folded tracks of those of the patrols that have one. */
  async findTracks(db: Queryable, patrolIds: number[]) {
    if (patrolIds.length === 0) return []
    return all(TrackRow)(await db('patrol_tracks').whereIn('patrol_id', patrolIds))
  },
  /** Ended patrols started before `before` whose track is still kept, oldest first. */
  async keptBefore(db: Queryable, before: Date, limit: number): Promise<number[]> {
    const rows = await db('patrols').whereNull('track_purged_at').andWhere('started_at', '<', before).andWhereNot({ status: 'running' })
      .orderBy('started_at').limit(limit).select('id')
    return rows.map((r: { id: unknown }) => Number(r.id))
  },
  /** Deletes a patrol's track (folded or still in batches) and marks the patrol, which itself stays. */
  async deleteTrack(db: Queryable, patrolId: number, now: Date) {
    await db('patrol_tracks').where({ patrol_id: patrolId }).delete()
    await db('patrol_track_batches').where({ patrol_id: patrolId }).delete()
    await db('patrols').where({ id: patrolId }).update({ track_purged_at: now })
  },
  /** Replaces a finished patrol's batches with its one compact track row. */
  async fold(db: Queryable, t: { patrolId: number; pointCount: number; lastBatchSeq: number; points: Buffer }) {
    await db('patrol_tracks').insert({ patrol_id: t.patrolId, point_count: t.pointCount, last_batch_seq: t.lastBatchSeq, points: t.points })
    await db('patrol_track_batches').where({ patrol_id: t.patrolId }).delete()
  },
}

export const checkInsRepo = {
  async insert(
    db: Queryable,
    c: Omit<CheckInRow, 'id'>,
  ): Promise<number> {
    const [checkInId] = await db('patrol_check_ins').insert(c)
    return Number(checkInId)
  },
  async findById(db: Queryable, checkInId: number) {
    return one(CheckInRow)(await db('patrol_check_ins').where({ id: checkInId }).first())
  },
  /** A patrol's check-ins in the order they were made. */
  async ofPatrol(db: Queryable, patrolId: number) {
    return all(CheckInRow)(await db('patrol_check_ins').where({ patrol_id: patrolId }).orderBy([{ column: 'checked_at' }, { column: 'id' }]))
  },
  /** Accepted visits per checkpoint since two moments (a day and a week ago), and the latest. */
  async coverage(db: Queryable, checkpointIds: number[], dayStart: Date, weekStart: Date) {
    if (!checkpointIds.length) return []
    const rows = await db('patrol_check_ins')
      .whereIn('checkpoint_id', checkpointIds)
      .andWhere({ accepted: true })
      .andWhere('checked_at', '>=', weekStart)
      .groupBy('checkpoint_id')
      .select(
        'checkpoint_id',
        db.raw('count(*) as week'),
        db.raw('sum(case when checked_at >= ? then 1 else 0 end) as today', [dayStart]),
        db.raw('max(checked_at) as last_at'),
      )
    return rows.map((r: Record<string, unknown>) => ({
      checkpointId: Number(r.checkpoint_id), week: Number(r.week), today: Number(r.today ?? 0),
      lastAt: r.last_at == null ? null : new Date(r.last_at as string | number | Date),
    }))
  },
}

/** Names and awards shown beside patrols, fetched for a page at a time. */
export const patrolLookupsRepo = {
  async displayNames(db: Queryable, userIds: number[]): Promise<Map<number, string>> {
    if (!userIds.length) return new Map()
    const rows = await db('users').whereIn('id', [...new Set(userIds)]).select('id', 'display_name')
    return new Map(rows.map((r: { id: number; display_name: string }) => [Number(r.id), r.display_name]))
  },
  async teamsByIds(db: Queryable, teamIds: number[]) {
    if (!teamIds.length) return []
    return all(PatrolTeamRow)(await db('patrol_teams').whereIn('id', [...new Set(teamIds)]))
  },
  async routesByIds(db: Queryable, routeIds: number[]) {
    if (!routeIds.length) return []
    return all(PatrolRouteRow)(await db('patrol_routes').whereIn('id', [...new Set(routeIds)]))
  },
  async awardsOfPatrols(db: Queryable, patrolIds: number[]) {
    if (!patrolIds.length) return []
    return all(AwardRow)(await db('awards').where({ source_type: 'patrol' }).whereIn('source_id', patrolIds.map(String)))
  },
}

export const patrolHazardsRepo = {
  /** Links a case to the patrol; the same case reported twice from one patrol is linked once. */
  async link(db: Queryable, l: { patrolId: number; caseId: number; checkpointId: number | null; now: Date }) {
    await db('patrol_hazard_reports')
      .insert({ patrol_id: l.patrolId, case_id: l.caseId, checkpoint_id: l.checkpointId, created_at: l.now })
      .onConflict(['patrol_id', 'case_id'])
      .ignore()
  },
  async ofPatrol(db: Queryable, patrolId: number) {
    const rows = await db('patrol_hazard_reports').where({ patrol_id: patrolId }).orderBy('created_at')
    return rows.map((r: Record<string, unknown>) => ({
      caseId: Number(r.case_id), checkpointId: r.checkpoint_id == null ? null : Number(r.checkpoint_id),
    }))
  },
}
