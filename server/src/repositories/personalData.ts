import { z } from 'zod'
import type { Queryable } from '../db/knex'
import { CaseRow } from './cases'
import { flag, time } from './rows'
import { UploadRow } from './uploads'

const id = z.coerce.number().int()

/**
 * What we hold about one person, read for their export (我的数据) and found for closing their account. SQL
 * only: the export's shape is the presenter's, what closing does is the command's.
 */
export const personalDataRepo = {
  async reportedCases(db: Queryable, userId: number) {
    return (await db('cases').where({ reporter_id: userId }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]))
      .map((r: unknown) => CaseRow.parse(r))
  },
  /** Open cases and closed ones the user follows without having filed them. */
  async followedCases(db: Queryable, userId: number) {
    const rows = await db('case_followers as f')
      .join('cases as c', 'c.id', 'f.case_id')
      .where({ 'f.user_id': userId, 'f.relation': 'follower' })
      .orderBy([{ column: 'f.created_at', order: 'desc' }, { column: 'c.id', order: 'desc' }])
      .select('c.number', 'c.status', 'f.created_at')
    return rows.map((r: unknown) => z.object({ number: z.string(), status: z.string(), created_at: time }).parse(r))
  },
  async memberships(db: Queryable, userId: number) {
    const rows = await db('patrol_memberships as m')
      .join('patrol_teams as t', 't.id', 'm.team_id')
      .where({ 'm.user_id': userId })
      .orderBy([{ column: 'm.created_at', order: 'desc' }, { column: 'm.id', order: 'desc' }])
      .select('t.name as team', 'm.status', 'm.created_at')
    return rows.map((r: unknown) => z.object({ team: z.string(), status: z.string(), created_at: time }).parse(r))
  },
  async patrols(db: Queryable, userId: number) {
    const rows = await db('patrols as p')
      .join('patrol_teams as t', 't.id', 'p.team_id')
      .join('patrol_routes as r', 'r.id', 'p.route_id')
      .where({ 'p.user_id': userId })
      .orderBy([{ column: 'p.started_at', order: 'desc' }, { column: 'p.id', order: 'desc' }])
      .select('p.id', 'p.status', 'p.started_at', 'p.ended_at', 'p.valid', 'p.distance_m', 'p.track_purged_at', 't.name as team', 'r.name as route')
    return rows.map((r: unknown) => z.object({
      id, status: z.string(), started_at: time, ended_at: time.nullable(), valid: flag.nullable(), distance_m: id.nullable(),
      track_purged_at: time.nullable(), team: z.string(), route: z.string(),
    }).parse(r))
  },
  async redemptions(db: Queryable, userId: number) {
    const rows = await db('redemptions as d')
      .join('rewards as w', 'w.id', 'd.reward_id')
      .where({ 'd.user_id': userId })
      .orderBy([{ column: 'd.created_at', order: 'desc' }, { column: 'd.id', order: 'desc' }])
      .select('w.title as reward', 'd.status', 'd.points', 'd.created_at')
    return rows.map((r: unknown) => z.object({ reward: z.string(), status: z.string(), points: id, created_at: time }).parse(r))
  },
  async notices(db: Queryable, userId: number) {
    const rows = await db('notifications').where({ user_id: userId })
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).select('title', 'body', 'created_at')
    return rows.map((r: unknown) => z.object({ title: z.string(), body: z.string(), created_at: time }).parse(r))
  },
  async uploads(db: Queryable, userId: number) {
    return (await db('uploads').where({ owner_id: userId })).map((r: unknown) => UploadRow.parse(r))
  },
  async hasRunningPatrol(db: Queryable, userId: number) {
    return (await db('patrols').where({ running_user_id: userId }).first('id')) !== undefined
  },
  async reservedRedemptions(db: Queryable, userId: number) {
    const row = await db('redemptions').where({ user_id: userId, status: 'reserved' }).count({ n: '*' }).first()
    return Number(row?.n ?? 0)
  },

  // ——— closing an account (注销): each step erases or detaches one kind of record ———

  /** Empties the account row: no name, no WeChat or login identity, no community; every token revoked. */
  async anonymiseUser(db: Queryable, userId: number, displayName: string, now: Date) {
    await db('users').where({ id: userId }).update({
      openid: null, unionid: null, username: null, password_hash: null, display_name: displayName, role: 'resident',
      region_id: null, disabled: true, token_version: db.raw('token_version + 1'), closed_at: now, updated_at: now,
    })
  },
  /** Their reports stay with the handling agency, but as anonymous ones: handlers no longer see who filed them. */
  async anonymiseCases(db: Queryable, userId: number) {
    await db('cases').where({ reporter_id: userId }).update({ anonymous: true, photos_public: false })
    await db('case_followers').where({ user_id: userId }).update({ anonymous: true })
  },
  async deleteSessionData(db: Queryable, userId: number) {
    await db('wechat_sessions').where({ user_id: userId }).delete()
    await db('idempotency_keys').where({ scope: `user:${userId}` }).delete()
    await db('notifications').where({ user_id: userId }).delete()
    await db('subscribe_grants').where({ user_id: userId }).delete()
    await db('patrol_memberships').where({ user_id: userId }).delete()
  },
  async deleteUnattachedUploads(db: Queryable, userId: number) {
    await db('uploads').where({ owner_id: userId }).whereNull('case_id').whereNull('reward_id').delete()
  },
}
