import { randomUUID } from 'node:crypto'
import { vi } from 'vitest'
import { DEMO_PATROL_ROUTE, DEMO_PATROL_TEAM } from '../db/seeds/patrols'
import { offsetBy, type LatLng } from '../patrols/geo'
import type { TrackPoint } from '../patrols/trackCodec'
import { batchesOf, type Walk } from './patrolTracks'
import type { TestServer } from './server'

export interface DemoRoute {
  teamId: number
  routeId: number
  checkpoints: { id: number; name: string; lat: number; lng: number; radiusM: number; code: string; shortCode: string }[]
}

/** The seeded team and route, with the codes staff would print. */
export async function demoRoute(s: TestServer, staffToken: string): Promise<DemoRoute> {
  const teams = await s.http.get('/api/patrol-teams', { token: staffToken })
  const team = teams.body.items.find((t: { name: string }) => t.name === DEMO_PATROL_TEAM)
  const routes = await s.http.get(`/api/patrol-teams/${team.id}/routes`, { token: staffToken })
  const route = routes.body.items.find((r: { name: string }) => r.name === DEMO_PATROL_ROUTE)
  return { teamId: team.id, routeId: route.id, checkpoints: route.checkpoints }
}

/**
 * A new resident who applied and was accepted into the team and, unless told otherwise, agreed to their
 * position being recorded on patrol (as the start page asks); returns their token.
 */
export async function newVolunteer(s: TestServer, staffToken: string, teamId: number, { consent = true } = {}): Promise<string> {
  const token = await s.http.residentToken()
  const applied = await s.http.post(`/api/patrol-teams/${teamId}/apply`, undefined, { token })
  if (applied.status !== 201) throw new Error(`apply failed: ${JSON.stringify(applied.body)}`)
  const accepted = await s.http.post(`/api/staff/patrol-memberships/${applied.body.id}/accept`, undefined, { token: staffToken })
  if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`)
  if (consent) {
    const agreed = await s.http.post('/api/me/consents', { kind: 'patrol_location', granted: true }, { token })
    if (agreed.status !== 200) throw new Error(`consent failed: ${agreed.status} ${JSON.stringify(agreed.body)}`)
  }
  return token
}

export interface CheckInPlan {
  /** Which checkpoint (index into the route), scanned when the walk reaches `arrival`. */
  checkpoint: number
  atMs: number
  /** Where the phone is when scanning; defaults to a few metres from the checkpoint. */
  location?: LatLng & { accuracy: number | null }
  code?: string
}

export interface PatrolRun {
  patrolId: number
  checkIns: { status: number; body: any }[]
  finish: { status: number; body: any } | null
}

const post = (s: TestServer, path: string, body: unknown, token: string) =>
  s.http.post(path, body, { token, idempotencyKey: randomUUID() })

/**
 * Plays a patrol against the server in simulated time (Date is faked; timers are not): start at the first
 * point, one upload per batch just after its last point, each check-in at its moment, finish just after
 * the last point. Every request carries a fresh Idempotency-Key, as the mini program sends.
 */
export async function playPatrol(
  s: TestServer,
  token: string,
  route: DemoRoute,
  points: TrackPoint[],
  { checkIns = [], batchSize = 6, finish = true, startMs = points[0]!.t }: { checkIns?: CheckInPlan[]; batchSize?: number; finish?: boolean; startMs?: number } = {},
): Promise<PatrolRun> {
  vi.setSystemTime(startMs)
  const start = await post(s, '/api/patrols', {
    teamId: route.teamId, routeId: route.routeId, location: { lat: points[0]!.lat, lng: points[0]!.lng, accuracy: 10 },
  }, token)
  if (start.status !== 201) throw new Error(`start failed: ${start.status} ${JSON.stringify(start.body)}`)
  const patrolId: number = start.body.id
  type Step = { at: number; run: () => Promise<void> }
  const steps: Step[] = []
  const results: PatrolRun['checkIns'] = []
  batchesOf(points, batchSize).forEach((batch, i) => {
    steps.push({
      at: batch.at(-1)!.t + 2000,
      run: async () => {
        const res = await post(s, `/api/patrols/${patrolId}/track`, { batchSeq: i + 1, points: batch }, token)
        if (res.status !== 200) throw new Error(`batch ${i + 1} failed: ${res.status} ${JSON.stringify(res.body)}`)
      },
    })
  })
  for (const plan of checkIns) {
    const checkpoint = route.checkpoints[plan.checkpoint]!
    steps.push({
      at: plan.atMs,
      run: async () => {
        const location = plan.location ?? { ...offsetBy(checkpoint, 8, 45), accuracy: 10 }
        results.push(await post(s, `/api/patrols/${patrolId}/check-ins`, { code: plan.code ?? checkpoint.code, location }, token))
      },
    })
  }
  steps.sort((a, b) => a.at - b.at)
  for (const step of steps) {
    vi.setSystemTime(step.at)
    await step.run()
  }
  let finished: PatrolRun['finish'] = null
  if (finish) {
    vi.setSystemTime(points.at(-1)!.t + 5000)
    finished = await post(s, `/api/patrols/${patrolId}/finish`, undefined, token)
  }
  return { patrolId, checkIns: results, finish: finished }
}

/** Check-ins at every checkpoint of a walk that went through them in order. */
export const checkInsAlong = (walk: Walk, count = 5): CheckInPlan[] =>
  walk.arrivals.slice(0, count).map((atMs, checkpoint) => ({ checkpoint, atMs: atMs + 30_000 }))
