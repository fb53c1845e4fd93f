import type { GridCallbackInput } from '@anju/shared'
import type { z } from 'zod'
import type { Trx } from '../db/knex'
import { errors } from '../errors'
import type { Actor } from '../policies'
import { casesRepo } from '../repositories/cases'
import { gridCallbacksRepo, type PlatformRow } from '../repositories/outbox'
import { regionsRepo } from '../repositories/regions'
import { usersRepo } from '../repositories/users'
import { transitionCase } from './transitionCase'

type Input = z.output<typeof GridCallbackInput>

/** The account a platform's callbacks act as, scoped to the platform's region. */
export async function platformActor(trx: Trx, platform: PlatformRow): Promise<Actor> {
  const user = await usersRepo.findById(trx, platform.user_id)
  const region = await regionsRepo.findById(trx, platform.region_id)
  if (!user || !region) throw errors.notFound()
  return { id: user.id, role: user.role, displayName: user.display_name, region: { id: region.id, path: region.path } }
}

/**
 * Applies a platform's callback once: accept, dispatch (to one of our grid workers, or to the platform
 * itself) or resolve (starting the work first if it had only been dispatched). The answer is stored with
 * the callback's id, so a repeat returns it without moving the case again.
 */
export async function applyGridCallback({ trx, platform, input, now = new Date() }: { trx: Trx; platform: PlatformRow; input: Input; now?: Date }) {
  const actor = await platformActor(trx, platform)
  const found = await casesRepo.findByNumber(trx, input.caseNumber)
  if (!found) throw errors.notFound()
  const note = input.note ?? null
  const move = (body: Parameters<typeof transitionCase>[0]['input']) =>
    transitionCase({ trx, actor, caseId: found.id, input: body, now, asPlatform: true })
  let c
  switch (input.action) {
    case 'accept':
      c = await move({ action: 'accept', ...(note ? { note } : {}) })
      break
    case 'dispatch': {
      const worker = input.assigneeUsername ? await usersRepo.findByUsername(trx, input.assigneeUsername) : undefined
      if (input.assigneeUsername && !worker) throw errors.assigneeInvalid()
      c = await move({ action: 'dispatch', assigneeId: worker?.id ?? actor.id, ...(note ? { note } : {}) })
      break
    }
    case 'resolve':
      if (found.status === 'dispatched') await move({ action: 'start' })
      c = await move({ action: 'resolve', outcome: input.outcome ?? 'fixed', note: note ?? '外部平台已办结', photoIds: [] })
      break
  }
  const answer = { caseNumber: c.number, status: c.status }
  await gridCallbacksRepo.insert(trx, { platformId: platform.id, externalId: input.callbackId, caseId: c.id, response: JSON.stringify(answer) })
  return answer
}
