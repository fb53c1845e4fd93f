import type { CaseEventKind, CaseStatus } from '@anju/shared'
import type { Trx } from '../db/knex'
import { gcj02ToWgs84 } from '../lib/geo'
import type { Actor } from '../policies'
import { caseEventsRepo, type CaseEventRow } from '../repositories/caseActivity'
import { type CaseRow } from '../repositories/cases'
import { outboxRepo, gridPlatformsRepo } from '../repositories/outbox'
import { idsOnPath } from '../repositories/regions'

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

/**
 * Writes one immutable event on a case's timeline and, in the same transaction, one outbox message per
 * external grid platform configured on the case's grid or any region above it.
 */
export async function recordCaseEvent(trx: Trx, c: CaseRow, input: EventInput, now: Date): Promise<CaseEventRow> {
  const event = await caseEventsRepo.insert(trx, {
    caseId: c.id, kind: input.kind, from: input.from, to: input.to, actorId: input.actor?.id ?? null,
    actorRole: input.actor?.role ?? null, note: input.note ?? null, photoIds: input.photoIds ?? [], now,
  })
  const platforms = await gridPlatformsRepo.activeFor(trx, idsOnPath(c.grid_path))
  for (const platform of platforms) {
    const idempotencyKey = `anju-${event.id}-${platform.id}`
    await outboxRepo.insert(trx, {
      eventId: event.id, caseId: c.id, platformId: platform.id, idempotencyKey,
      payload: JSON.stringify(platformPayload(c, event, idempotencyKey)), now,
    })
  }
  return event
}
