import type { ConsentView, MyDataExport, PointsEntry } from '@anju/shared'
import type { Config } from '../config'
import type { PhotoUrlFor } from '../lib/photoLinks'
import type { TrackPoint } from '../patrols/trackCodec'
import type { CategoryRow } from '../repositories/categories'
import type { ConsentRow } from '../repositories/consents'
import type { CaseRow } from '../repositories/cases'
import type { personalDataRepo } from '../repositories/personalData'
import type { RegionRow } from '../repositories/regions'
import type { UserRow } from '../repositories/users'
import { isoTime } from './index'
import { presentPhoto } from './cases'

type Rows<K extends keyof typeof personalDataRepo> = Awaited<ReturnType<(typeof personalDataRepo)[K]>>

export const presentConsent = (row: ConsentRow): ConsentView => ({ kind: row.kind, grantedAt: row.granted_at.toISOString() })

/** Everything the export needs, loaded by the caller. */
export interface PersonalData {
  user: UserRow
  region: RegionRow | undefined
  consents: ConsentRow[]
  reported: CaseRow[]
  categories: Map<string, CategoryRow>
  followed: Rows<'followedCases'>
  memberships: Rows<'memberships'>
  patrols: (Rows<'patrols'>[number] & { track: TrackPoint[] })[]
  balance: number
  entries: PointsEntry[]
  redemptions: Rows<'redemptions'>
  notices: Rows<'notices'>
}

/** 我的数据: what we hold about the resident, in their words and ours, with photo links only they may use. */
export function presentMyData(d: PersonalData, retention: Config['retention'], photoUrl: PhotoUrlFor, now: Date): MyDataExport {
  return {
    exportedAt: now.toISOString(),
    account: {
      id: d.user.id,
      displayName: d.user.display_name,
      role: d.user.role,
      region: d.region ? { id: d.region.id, name: d.region.name, level: d.region.level } : null,
      createdAt: isoTime(d.user.created_at),
    },
    retention: { patrolTrackDays: retention.patrolTrackDays, uploadOriginalDays: retention.uploadOriginalDays },
    consents: d.consents.map(presentConsent),
    reports: d.reported.map((c) => ({
      number: c.number,
      kind: c.kind,
      category: d.categories.get(c.category_code)?.name ?? c.category_code,
      status: c.status,
      text: c.text,
      address: c.address,
      location: { lat: c.lat, lng: c.lng, datum: 'gcj02' as const },
      plate: c.plate,
      anonymous: c.anonymous,
      publicPhotos: c.photos_public,
      photos: c.photo_ids.map((id) => presentPhoto(id, photoUrl)),
      occurredAt: c.occurred_at.toISOString(),
      createdAt: c.created_at.toISOString(),
    })),
    following: d.followed.map((f) => ({ number: f.number, status: f.status as MyDataExport['following'][number]['status'], since: f.created_at.toISOString() })),
    patrolTeams: d.memberships.map((m) => ({ team: m.team, status: m.status, since: m.created_at.toISOString() })),
    patrols: d.patrols.map((p) => ({
      id: p.id,
      team: p.team,
      route: p.route,
      status: p.status,
      startedAt: p.started_at.toISOString(),
      endedAt: p.ended_at?.toISOString() ?? null,
      valid: p.valid,
      distanceM: p.distance_m,
      track: p.track.map((t) => ({ t: new Date(t.t).toISOString(), lat: t.lat, lng: t.lng })),
      trackDeletedAt: p.track_purged_at?.toISOString() ?? null,
    })),
    points: { balance: d.balance, entries: d.entries },
    redemptions: d.redemptions.map((r) => ({ reward: r.reward, status: r.status, points: r.points, createdAt: r.created_at.toISOString() })),
    notices: d.notices.map((n) => ({ title: n.title, body: n.body, createdAt: n.created_at.toISOString() })),
  }
}
