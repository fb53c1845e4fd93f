import { api } from '@anju/shared'
import { closeAccount, deleteFiles } from '../../commands/personalData'
import type { Queryable } from '../../db/knex'
import { errors } from '../../errors'
import { balanceOf, decodeEntriesCursor, entriesOf } from '../../ledger'
import type { Actor } from '../../policies'
import { presentEntry } from '../../presenters/points'
import { presentConsent, presentMyData, type PersonalData } from '../../presenters/privacy'
import { categoriesRepo } from '../../repositories/categories'
import { consentsRepo } from '../../repositories/consents'
import { personalDataRepo } from '../../repositories/personalData'
import { regionsRepo } from '../../repositories/regions'
import { usersRepo } from '../../repositories/users'
import { tracksOf } from '../patrols/load'
import { route, type AppRouter } from '../define'

const ENTRY_PAGE = 500

/** Every ledger entry of the resident, newest first, read page by page through the ledger's own statement. */
async function allEntries(db: Queryable, userId: number) {
  const entries = []
  let next: string | null = null
  do {
    const page: Awaited<ReturnType<typeof entriesOf>> = await entriesOf(db, userId, { before: next ? decodeEntriesCursor(next) : undefined, limit: ENTRY_PAGE })
    entries.push(...page.items.map(presentEntry))
    next = page.next
  } while (next)
  return entries
}

async function personalDataOf(db: Queryable, actor: Actor): Promise<PersonalData> {
  const user = await usersRepo.findById(db, actor.id)
  if (!user) throw errors.notFound()
  const reported = await personalDataRepo.reportedCases(db, actor.id)
  const patrols = await personalDataRepo.patrols(db, actor.id)
  const tracks = await tracksOf(db, patrols.map((p) => p.id))
  return {
    user,
    region: user.region_id ? await regionsRepo.findById(db, user.region_id) : undefined,
    consents: await consentsRepo.ofUser(db, actor.id),
    reported,
    categories: new Map((await categoriesRepo.findByCodes(db, [...new Set(reported.map((c) => c.category_code))])).map((c) => [c.code, c])),
    followed: await personalDataRepo.followedCases(db, actor.id),
    memberships: await personalDataRepo.memberships(db, actor.id),
    patrols: patrols.map((p) => ({ ...p, track: tracks.get(p.id)! })),
    balance: await balanceOf(db, actor.id),
    entries: await allEntries(db, actor.id),
    redemptions: await personalDataRepo.redemptions(db, actor.id),
    notices: await personalDataRepo.notices(db, actor.id),
  }
}

/** PIPL: see and export what we hold (我的数据), one-time consents, and closing the account (注销). */
export function privacyRoutes(router: AppRouter) {
  route(router, api.myData, async (ctx, { actor }) => {
    const { db, config, photoLinks } = ctx.services
    ctx.set('Cache-Control', 'no-store')
    const now = new Date()
    return presentMyData(await personalDataOf(db, actor), config.retention, photoLinks.forViewer(actor.id, now), now)
  })

  route(router, api.myConsents, async (ctx, { actor }) => ({
    items: (await consentsRepo.ofUser(ctx.services.db, actor.id)).map(presentConsent),
  }))

  route(router, api.setConsent, async (ctx, { actor, body, transact }) =>
    transact(async (trx) => {
      if (body.granted) await consentsRepo.grant(trx, actor.id, body.kind, new Date())
      else await consentsRepo.withdraw(trx, actor.id, body.kind)
      return { items: (await consentsRepo.ofUser(trx, actor.id)).map(presentConsent) }
    }),
  )

  route(router, api.closeAccount, async (ctx, { actor, transact }) => {
    const now = new Date()
    let released = { keys: [] as string[] }
    const answer = await transact(async (trx) => {
      released = await closeAccount({ trx, actor, now })
      return { closedAt: now.toISOString() }
    })
    await deleteFiles(ctx.services.files, released, ctx.state.log)
    return answer
  })
}
