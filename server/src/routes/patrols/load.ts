import type { PatrolSummary, PatrolView } from '@anju/shared'
import type { Queryable } from '../../db/knex'
import { errors } from '../../errors'
import { requiredCheckpoints, type JudgeRules } from '../../patrols/judge'
import { decodeTrack, type TrackPoint } from '../../patrols/trackCodec'
import { presentPatrol, presentPatrolSummary } from '../../presenters/patrols'
import { checkInsRepo, patrolHazardsRepo, patrolLookupsRepo, patrolTracksRepo, type PatrolRow } from '../../repositories/patrols'
import { patrolRoutesRepo, patrolTeamsRepo } from '../../repositories/patrolTeams'
import { regionsRepo } from '../../repositories/regions'

/** A team with its community's path, for the policies. */
export async function loadTeam(db: Queryable, teamId: number) {
  const team = await patrolTeamsRepo.findById(db, teamId)
  const region = team && (await regionsRepo.findById(db, team.region_id))
  if (!team || !region) throw errors.notFound()
  return { team, region, scope: { regionPath: region.path } }
}

/** A patrol with everything its pages show; `rules` are the judgement settings, for what a valid patrol needs. */
export async function loadPatrolView(db: Queryable, patrol: PatrolRow, rules: JudgeRules): Promise<PatrolView> {
  const [names, [team], [route], checkpoints, checkIns, [award], track, lastBatchSeq, hazards] = await Promise.all([
    patrolLookupsRepo.displayNames(db, [patrol.user_id]),
    patrolLookupsRepo.teamsByIds(db, [patrol.team_id]),
    patrolLookupsRepo.routesByIds(db, [patrol.route_id]),
    patrolRoutesRepo.checkpointsOf(db, [patrol.route_id]),
    checkInsRepo.ofPatrol(db, patrol.id),
    patrolLookupsRepo.awardsOfPatrols(db, [patrol.id]),
    patrolTracksRepo.findTrack(db, patrol.id),
    patrolTracksRepo.lastBatchSeq(db, patrol.id),
    patrolHazardsRepo.ofPatrol(db, patrol.id),
  ])
  return presentPatrol({
    patrol, checkpoints, checkIns, award, hazards,
    volunteer: { id: patrol.user_id, displayName: names.get(patrol.user_id) ?? '' },
    team: { id: patrol.team_id, name: team?.name ?? '' },
    route: { id: patrol.route_id, name: route?.name ?? '' },
    lastBatchSeq: track?.last_batch_seq ?? lastBatchSeq,
    requirements: {
      minDurationMinutes: rules.minDurationMinutes,
      minCheckpoints: requiredCheckpoints(checkpoints.length, rules.minCheckpointShare),
    },
  })
}

export async function loadPatrolSummaries(db: Queryable, patrols: PatrolRow[]): Promise<PatrolSummary[]> {
  const [names, teams, routes, awards] = await Promise.all([
    patrolLookupsRepo.displayNames(db, patrols.map((p) => p.user_id)),
    patrolLookupsRepo.teamsByIds(db, patrols.map((p) => p.team_id)),
    patrolLookupsRepo.routesByIds(db, patrols.map((p) => p.route_id)),
    patrolLookupsRepo.awardsOfPatrols(db, patrols.map((p) => p.id)),
  ])
  const teamName = new Map(teams.map((t) => [t.id, t.name]))
  const routeName = new Map(routes.map((r) => [r.id, r.name]))
  return patrols.map((p) =>
    presentPatrolSummary(
      p,
      { id: p.user_id, displayName: names.get(p.user_id) ?? '' },
      { id: p.team_id, name: teamName.get(p.team_id) ?? '' },
      { id: p.route_id, name: routeName.get(p.route_id) ?? '' },
      awards.find((a) => a.source_id === String(p.id)),
    ),
  )
}

/** Patrols per statement when reading several patrols' tracks. */
const TRACK_CHUNK = 200

/**
 * The whole tracks of patrols, running (their batches) or finished (their one folded row), each in upload order:
 * two statements per chunk of patrols, whatever their number.
 */
export async function tracksOf(db: Queryable, patrolIds: number[]): Promise<Map<number, TrackPoint[]>> {
  const tracks = new Map<number, TrackPoint[]>()
  for (let i = 0; i < patrolIds.length; i += TRACK_CHUNK) {
    const chunk = patrolIds.slice(i, i + TRACK_CHUNK)
    for (const folded of await patrolTracksRepo.findTracks(db, chunk)) tracks.set(folded.patrol_id, decodeTrack(folded.points))
    const running = chunk.filter((id) => !tracks.has(id))
    for (const id of running) tracks.set(id, [])
    for (const batch of await patrolTracksRepo.batchesOfPatrols(db, running)) tracks.get(batch.patrol_id)!.push(...decodeTrack(batch.points))
  }
  return tracks
}

/** The whole track of one patrol. */
export async function trackOf(db: Queryable, patrol: Pick<PatrolRow, 'id'>): Promise<TrackPoint[]> {
  return (await tracksOf(db, [patrol.id])).get(patrol.id)!
}
