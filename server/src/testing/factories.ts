import { randomUUID } from 'node:crypto'
import { approveAward, proposeAward } from '../awards'
import { hashPassword } from '../auth/passwords'
import { startSession } from '../commands/sessions'
import type { Config } from '../config'
import type { Db } from '../db/knex'
import { withTransaction } from '../db/transaction'
import type { Actor } from '../policies'
import { regionsRepo } from '../repositories/regions'
import { usersRepo } from '../repositories/users'

/** Test data built through the same commands the product uses. */
export function factories(db: Db, config: Config) {
  const regionId = async (code: string) => (await regionsRepo.findByCode(db, code))!.id
  const userId = async (username: string) => (await usersRepo.findByUsername(db, username))!.id
  return {
    regionId,
    userId,
    /** The actor a command sees for this user, as a signed-in request would load it. */
    async actor(id: number): Promise<Actor> {
      const user = (await usersRepo.findById(db, id))!
      const region = user.region_id ? await regionsRepo.findById(db, user.region_id) : undefined
      return { id: user.id, role: user.role, displayName: user.display_name, region: region ? { id: region.id, path: region.path } : null }
    },
    /** A resident living in `community` (a region code), with a ready access token. */
    async resident(community = 'XT-YT-JSL-XFL', o: { displayName?: string; role?: 'resident' | 'volunteer' } = {}) {
      const id = await usersRepo.insert(db, {
        openid: `t-${randomUUID()}`, displayName: o.displayName ?? `居民${randomUUID().slice(0, 4)}`,
        role: o.role ?? 'resident', regionId: await regionId(community),
      })
      const user = (await usersRepo.findById(db, id))!
      return { id, token: (await startSession(db, config.jwt, user)).accessToken }
    },
    /** A password account (staff-type role) in `region` (a region code); its password is returned with it. */
    async account(o: { role?: 'staff' | 'centre' | 'admin' | 'grid_worker'; region?: string; password?: string } = {}) {
      const password = o.password ?? `pw-${randomUUID()}`
      const username = `acct-${randomUUID().slice(0, 8)}`
      const id = await usersRepo.insert(db, {
        username, passwordHash: await hashPassword(password), displayName: `工作人员${username.slice(5, 9)}`,
        role: o.role ?? 'staff', regionId: await regionId(o.region ?? 'XT-YT-JSL-XFL'),
      })
      return { id, username, password }
    },
    /**
     * `n` residents of `community` at once, each with a session and, when `points` > 0, that many points granted
     * through the same award approval as givePoints: a few transactions instead of a few per resident.
     */
    async residents(n: number, { points = 0, community = 'XT-YT-JSL-XFL' }: { points?: number; community?: string } = {}) {
      const region = await regionId(community)
      const batch = randomUUID().slice(0, 8)
      const openids = Array.from({ length: n }, (_, i) => `t-${batch}-${i}`)
      const now = new Date()
      const proposer = points > 0 ? await userId('staff') : 0
      const approver = points > 0 ? await userId('admin') : 0
      return withTransaction(db, async (trx) => {
        for (let i = 0; i < n; i += 100) {
          await trx('users').insert(openids.slice(i, i + 100).map((openid, j) => ({
            openid, display_name: `居民${batch.slice(0, 2)}${i + j}`, role: 'resident', region_id: region, created_at: now, updated_at: now,
          })))
        }
        const ids = new Map<string, number>()
        for (let i = 0; i < n; i += 500) {
          for (const row of await trx('users').whereIn('openid', openids.slice(i, i + 500)).select('id', 'openid')) ids.set(row.openid, Number(row.id))
        }
        const out: { id: number; token: string }[] = []
        for (const openid of openids) {
          const user = (await usersRepo.findById(trx, ids.get(openid)!))!
          if (points > 0) {
            const proposed = await proposeAward(trx, {
              userId: user.id, regionId: region, kind: 'manual', source: { type: 'manual', id: randomUUID() },
              points, proposedBy: proposer, reason: '测试奖励', now,
            })
            await approveAward(trx, { awardId: proposed.awardId, approverId: approver, now })
          }
          out.push({ id: user.id, token: (await startSession(trx, config.jwt, user, now)).accessToken })
        }
        return out
      })
    },
    /** Grants points to a resident: proposed by one staff member, approved by another. */
    async givePoints(userIdToCredit: number, points: number, community = 'XT-YT-JSL-XFL') {
      const proposer = await userId('staff')
      const approver = await userId('admin')
      const region = await regionId(community)
      return withTransaction(db, async (trx) => {
        const proposed = await proposeAward(trx, {
          userId: userIdToCredit, regionId: region, kind: 'manual', source: { type: 'manual', id: randomUUID() },
          points, proposedBy: proposer, reason: '测试奖励', now: new Date(),
        })
        return approveAward(trx, { awardId: proposed.awardId, approverId: approver, now: new Date() })
      })
    },
    /** A reward in `community`, open now. */
    async reward(o: { community?: string; cost?: number; stock?: number; limit?: number } = {}) {
      const now = Date.now()
      const [id] = await db('rewards').insert({
        region_id: await regionId(o.community ?? 'XT-YT-JSL-XFL'), title: `礼品${randomUUID().slice(0, 4)}`, description: '',
        points_cost: o.cost ?? 10, stock_total: o.stock ?? 5, stock_remaining: o.stock ?? 5,
        per_resident_limit: o.limit ?? 5, valid_from: new Date(now - 60_000), valid_until: new Date(now + 86_400_000),
        pickup_place: '社区服务中心', pickup_instructions: '', status: 'active', created_by: null,
        created_at: new Date(now), updated_at: new Date(now),
      })
      return Number(id)
    },
  }
}
