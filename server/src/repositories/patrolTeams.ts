import { z } from 'zod'
import { PatrolMembershipStatus } from '@anju/shared'
import type { Queryable } from '../db/knex'

// Teams, their memberships, routes and checkpoints: what staff set up before anyone patrols.
const time = z.union([z.date(), z.number(), z.string()]).transform((v) => new Date(v))
const id = z.coerce.number().int()

export const PatrolTeamRow = z.object({ id, region_id: id, name: z.string(), created_at: time })
export type PatrolTeamRow = z.infer<typeof PatrolTeamRow>

export const MembershipRow = z.object({
  id, team_id: id, user_id: id, status: PatrolMembershipStatus, decided_by: id.nullable(),
  decided_at: time.nullable(), created_at: time,
})
export type MembershipRow = z.infer<typeof MembershipRow>

export const PatrolRouteRow = z.object({ id, team_id: id, name: z.string() })
export type PatrolRouteRow = z.infer<typeof PatrolRouteRow>

export const CheckpointRow = z.object({
  id, route_id: id, seq: id, name: z.string(), lat: z.coerce.number(), lng: z.coerce.number(), radius_m: id,
  token_version: id, token_salt: z.string(),
})
export type CheckpointRow = z.infer<typeof CheckpointRow>

const one = <S extends z.ZodType>(schema: S) => (row: unknown): z.output<S> | undefined => (row ? schema.parse(row) : undefined)
const all = <S extends z.ZodType>(schema: S) => (rows: unknown[]): z.output<S>[] => rows.map((r) => schema.parse(r))

export const patrolTeamsRepo = {
  async insert(db: Queryable, team: { regionId: number; name: string }): Promise<number> {
    const [teamId] = await db('patrol_teams').insert({ region_id: team.regionId, name: team.name, created_at: new Date() })
    return Number(teamId)
  },
  async findById(db: Queryable, teamId: number) {
    return one(PatrolTeamRow)(await db('patrol_teams').where({ id: teamId }).first())
  },
  /** Teams whose community is under a region path ("" for all), with their region's path. */
  async listUnder(db: Queryable, pathPrefix: string) {
    const rows = await db('patrol_teams as t')
      .join('regions as r', 'r.id', 't.region_id')
      .where('r.path', 'like', `${pathPrefix}%`)
      .orderBy('t.id')
      .select('t.*')
    return all(PatrolTeamRow)(rows)
  },
  async acceptedCounts(db: Queryable, teamIds: number[]): Promise<Map<number, number>> {
    if (!teamIds.length) return new Map()
    const rows = await db('patrol_memberships')
      .whereIn('team_id', teamIds)
      .andWhere({ status: 'accepted' })
      .groupBy('team_id')
      .select('team_id', db.raw('count(*) as n'))
    return new Map(rows.map((r: { team_id: number; n: number | string }) => [Number(r.team_id), Number(r.n)]))
  },
}

export const membershipsRepo = {
  async findById(db: Queryable, membershipId: number) {
    return one(MembershipRow)(await db('patrol_memberships').where({ id: membershipId }).first())
  },
  async find(db: Queryable, teamId: number, userId: number) {
    return one(MembershipRow)(await db('patrol_memberships').where({ team_id: teamId, user_id: userId }).first())
  },
  async ofUser(db: Queryable, userId: number) {
    return all(MembershipRow)(await db('patrol_memberships').where({ user_id: userId }))
  },
  async ofTeam(db: Queryable, teamId: number, status?: PatrolMembershipStatus) {
    const q = db('patrol_memberships').where({ team_id: teamId }).orderBy('id')
    if (status) q.andWhere({ status })
    return all(MembershipRow)(await q)
  },
  async insert(db: Queryable, teamId: number, userId: number): Promise<number> {
    const now = new Date()
    const [membershipId] = await db('patrol_memberships').insert({
      team_id: teamId, user_id: userId, status: 'applied', created_at: now, updated_at: now,
    })
    return Number(membershipId)
  },
  /** Moves a membership out of `from`; false when someone else moved it first. */
  async transition(db: Queryable, membershipId: number, from: PatrolMembershipStatus, to: PatrolMembershipStatus, decidedBy: number | null) {
    const now = new Date()
    const changed = await db('patrol_memberships')
      .where({ id: membershipId, status: from })
      .update({ status: to, decided_by: decidedBy, decided_at: decidedBy === null ? null : now, updated_at: now })
    return changed === 1
  },
}

export const patrolRoutesRepo = {
  async insert(db: Queryable, teamId: number, name: string): Promise<number> {
    const [routeId] = await db('patrol_routes').insert({ team_id: teamId, name, created_at: new Date() })
    return Number(routeId)
  },
  async findById(db: Queryable, routeId: number) {
    return one(PatrolRouteRow)(await db('patrol_routes').where({ id: routeId }).first())
  },
  async ofTeam(db: Queryable, teamId: number) {
    return all(PatrolRouteRow)(await db('patrol_routes').where({ team_id: teamId }).orderBy('id'))
  },
  async insertCheckpoint(
    db: Queryable,
    c: { routeId: number; seq: number; name: string; lat: number; lng: number; radiusM: number; tokenSalt: string },
  ) {
    const now = new Date()
    await db('patrol_checkpoints').insert({
      route_id: c.routeId, seq: c.seq, name: c.name, lat: c.lat, lng: c.lng, radius_m: c.radiusM,
      token_version: 1, token_salt: c.tokenSalt, created_at: now, updated_at: now,
    })
  },
  async checkpointsOf(db: Queryable, routeIds: number[]) {
    if (!routeIds.length) return []
    return all(CheckpointRow)(await db('patrol_checkpoints').whereIn('route_id', routeIds).orderBy(['route_id', 'seq']))
  },
  async findCheckpoint(db: Queryable, checkpointId: number) {
    return one(CheckpointRow)(await db('patrol_checkpoints').where({ id: checkpointId }).first())
  },
  /** Bumps a checkpoint's token version from `fromVersion`; false when another rotation won. */
  async rotateToken(db: Queryable, checkpointId: number, fromVersion: number, salt: string) {
    const changed = await db('patrol_checkpoints')
      .where({ id: checkpointId, token_version: fromVersion })
      .update({ token_version: fromVersion + 1, token_salt: salt, updated_at: new Date() })
    return changed === 1
  },
}
