import { CASE_STATUS_LABELS, type CaseEventKind, type CaseStatus, type NotificationKind } from '@anju/shared'
import type { Trx } from '../db/knex'
import { templateTime } from '../integrations/wechat'
import { gcj02ToWgs84 } from '../lib/geo'
import type { Actor } from '../policies'
import { caseEventsRepo, caseFollowersRepo, type CaseEventRow } from '../repositories/caseActivity'
import { type CaseRow } from '../repositories/cases'
import { categoriesRepo } from '../repositories/categories'
import { outboxRepo, gridPlatformsRepo } from '../repositories/outbox'
import { idsOnPath } from '../repositories/regions'
import { NOTICE_PAGES, notify } from './notify'

export interface EventInput {
  kind: CaseEventKind
  from: CaseStatus | null
  to: CaseStatus | null
  /** null for the system (scheduler, external platform without a mapped account). */
  actor: Pick<Actor, 'id' | 'role'> | null
  note?: string | null
  photoIds?: string[]
}

/**
 * What an external grid platform receives for one event. Never who reported: anonymous or not, residents'
 * identities stay here. Coordinates in WGS84 as well as the phone's GCJ-02.
 */
export function platformPayload(c: CaseRow, e: CaseEventRow, idempotencyKey: string) {
  const [lat, lng] = gcj02ToWgs84(c.lat, c.lng)
  return {
    idempotencyKey,
    event: {
      id: e.id, kind: e.kind, from: e.from_status, to: e.to_status, actorRole: e.actor_role, note: e.note,
      at: e.created_at.toISOString(),
    },
    case: {
      number: c.number, kind: c.kind, category: c.category_code, colour: c.colour, status: e.to_status ?? c.status,
      text: c.text, address: c.address, plate: c.plate,
      location: { wgs84: { lat, lng }, gcj02: { lat: c.lat, lng: c.lng } },
      occurredAt: c.occurred_at.toISOString(), responseDueAt: c.response_due_at.toISOString(),
      resolveDueAt: c.resolve_due_at.toISOString(),
    },
  }
}

/** The path of the region at `id` on `path` ("/1/4/9/" and 4 → "/1/4/"). */
function pathUpTo(path: string, id: number): string {
  const ids = idsOnPath(path)
  return `/${ids.slice(0, ids.indexOf(id) + 1).join('/')}/`
}

/**
 * Platforms that receive a case's events: those configured on its grid or any region above. A confidential
 * case (a drug-related clue, say) goes only to platforms at the level that handles it and above, never to a
 * community's or grid's own platform.
 */
async function platformsFor(trx: Trx, c: CaseRow) {
  const path = c.confidential ? c.region_path : c.grid_path
  return (await gridPlatformsRepo.activeFor(trx, idsOnPath(path))).map((platform) => ({ platform, regionPath: pathUpTo(path, platform.region_id) }))
}

/** What the reporter and followers are told about an event (nothing for the moves they make themselves). */
function residentNoticeOf(event: CaseEventRow): NotificationKind | null {
  switch (event.kind) {
    case 'accept':
      return 'case_accepted'
    case 'reject':
      return 'case_rejected'
    case 'dispatch':
      return 'case_dispatched'
    case 'verify':
      return 'case_resolved'
    case 'close':
      return 'case_closed'
    case 'rate':
      return event.to_status === 'closed' ? 'case_closed' : null
    default:
      return null
  }
}

/** Tells the people waiting on a case what happened: its reporter and followers, and a newly assigned worker. */
async function noticesFor(trx: Trx, c: CaseRow, event: CaseEventRow, now: Date) {
  const residentKind = residentNoticeOf(event)
  const assigned = event.kind === 'dispatch' && c.assignee_id !== null && c.assignee_id !== event.actor_id
  if (!residentKind && !assigned) return
  const category = (await categoriesRepo.findByCode(trx, c.category_code))?.name ?? c.category_code
  const vars = {
    caseNumber: c.number, category, status: CASE_STATUS_LABELS[c.status], address: c.address, note: event.note ?? '',
    reason: event.note ?? '', time: templateTime(now), deadline: templateTime(c.resolve_due_at),
  }
  if (residentKind) {
    const what = `您反映的“${category}”（${c.number}）`
    const body = {
      case_accepted: `${what}已受理，我们会尽快处理`,
      case_rejected: `${what}未予受理：${event.note ?? ''}`,
      case_dispatched: `${what}已派给网格员处理`,
      case_resolved: `${what}已处置完毕，请您评价`,
      case_closed: `${what}已办结，感谢您的参与`,
    }[residentKind as 'case_accepted']
    const userIds = (await caseFollowersRepo.userIdsOf(trx, c.id)).filter((id) => id !== event.actor_id)
    await notify(trx, userIds, {
      kind: residentKind, ref: `event:${event.id}`, body, page: NOTICE_PAGES.residentCase(c.id), caseId: c.id, vars,
      regionPath: c.region_path, at: now,
    })
  }
  if (assigned) {
    await notify(trx, [c.assignee_id!], {
      kind: 'case_assigned', ref: `event:${event.id}`, body: `新派单：“${category}”（${c.number}），请在 ${templateTime(c.resolve_due_at)} 前办结`,
      page: NOTICE_PAGES.staffCase(c.id), caseId: c.id, vars, regionPath: c.region_path, at: now,
    })
  }
}

/**
 * Writes one immutable event on a case's timeline and, in the same transaction, what it sends out: one outbox
 * message per external grid platform that receives the case (each platform × case its own ordered stream), and
 * the notices for the people waiting on it.
 */
export async function recordCaseEvent(trx: Trx, c: CaseRow, input: EventInput, now: Date): Promise<CaseEventRow> {
  const event = await caseEventsRepo.insert(trx, {
    caseId: c.id, kind: input.kind, from: input.from, to: input.to, actorId: input.actor?.id ?? null,
    actorRole: input.actor?.role ?? null, note: input.note ?? null, photoIds: input.photoIds ?? [], now,
  })
  for (const { platform, regionPath } of await platformsFor(trx, c)) {
    const idempotencyKey = `anju-${event.id}-${platform.id}`
    await outboxRepo.append(trx, {
      destination: 'grid_platform', streamKey: `grid_platform:${platform.id}:case:${c.id}`, idempotencyKey,
      payload: JSON.stringify(platformPayload(c, event, idempotencyKey)), platformId: platform.id, caseId: c.id,
      eventId: event.id, regionPath, now,
    })
  }
  await noticesFor(trx, c, event, now)
  return event
}
