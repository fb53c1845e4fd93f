import { approveAward, proposeAward } from '../../awards'
import { awardsRepo } from '../../repositories/awards'
import { regionsRepo } from '../../repositories/regions'
import { rewardsRepo } from '../../repositories/rewards'
import { usersRepo } from '../../repositories/users'
import type { Db } from '../knex'

const DAY = 24 * 60 * 60 * 1000
const STREET_CENTRES = '各街道综治中心'

/** Award policy, a few rewards, and points for the demo resident. Idempotent. */
export async function seedPoints(db: Db): Promise<void> {
  await db.transaction(async (trx) => {
    const city = (await regionsRepo.findByCode(trx, 'XT'))!
    const xfl = (await regionsRepo.findByCode(trx, 'XT-YT-JSL-XFL'))!
    const hp = (await regionsRepo.findByCode(trx, 'XT-YT-JSL-HP'))!
    for (const region of [xfl, hp]) {
      await awardsRepo.upsertSettings(trx, { region_id: region.id, monthly_budget: 20_000, daily_cap_per_resident: 100, monthly_cap_per_resident: 1_000 })
    }
    for (const [kind, points] of [['violation', 10], ['hazard', 20], ['complaint', 5], ['patrol', 10]] as const) {
      await awardsRepo.upsertRule(trx, { region_id: city.id, kind, category_code: '', points, auto_approve: false })
    }

    const admin = (await usersRepo.findByUsername(trx, 'admin'))!
    const staff = (await usersRepo.findByUsername(trx, 'staff'))!
    if ((await trx('rewards').count({ n: '*' }).first())!.n == 0) {
      const now = Date.now()
      const rewards = [
        { region: xfl, title: '洗衣液一瓶', description: '2kg 装洗衣液，感谢您为社区平安出力。', cost: 100, stock: 20, limit: 2, place: '幸福里社区服务中心一楼', note: '工作日 9:00–17:00 凭领取码领取' },
        { region: xfl, title: '社区理发券', description: '社区便民理发点单次理发券。', cost: 60, stock: 30, limit: 1, place: '幸福里便民理发点', note: '出示领取码即可使用' },
        { region: hp, title: '和平社区环保袋', description: '可重复使用的帆布环保袋。', cost: 40, stock: 50, limit: 2, place: '和平社区居委会', note: '' },
        { region: city, title: '公交卡充值 20 元', description: '全市通用公交卡充值。', cost: 300, stock: 50, limit: 1, place: STREET_CENTRES, note: '携带公交卡与领取码' },
        { region: city, title: '平安志愿者马甲', description: '印有"平安湘潭"字样的志愿者马甲。', cost: 200, stock: 10, limit: 1, place: STREET_CENTRES, note: '' },
      ]
      for (const r of rewards) {
        await trx('rewards').insert({
          region_id: r.region.id, title: r.title, description: r.description, points_cost: r.cost,
          stock_total: r.stock, stock_remaining: r.stock, per_resident_limit: r.limit,
          valid_from: new Date(now - DAY), valid_until: new Date(now + 90 * DAY),
          pickup_place: r.place, pickup_instructions: r.note, status: 'active', created_by: staff.id,
          created_at: new Date(now), updated_at: new Date(now),
        })
      }
    }

    // 各街道综治中心: each street's centre hands the city's rewards out (set once, also on databases seeded before).
    const streets = (await regionsRepo.listSubtree(trx, city)).filter((r) => r.level === 'street').map((r) => r.id)
    const atStreetCentres = await trx('rewards').where({ region_id: city.id, pickup_place: STREET_CENTRES }).pluck('id')
    const placed = await rewardsRepo.pickupRegionIds(trx, atStreetCentres.map(Number))
    for (const id of atStreetCentres.map(Number)) if (!placed.has(id)) await rewardsRepo.setPickupRegions(trx, id, streets)

    const resident = await usersRepo.findByOpenid(trx, 'dev:demo')
    if (!resident) return
    if (resident.region_id === null) await usersRepo.update(trx, resident.id, { regionId: xfl.id })
    const welcome = await proposeAward(trx, {
      userId: resident.id, regionId: xfl.id, kind: 'manual', source: { type: 'manual', id: 'seed-welcome-demo' },
      points: 500, proposedBy: staff.id, reason: '好人好事：协助社区开展消防安全宣传', now: new Date(),
    })
    if (welcome.status === 'pending') await approveAward(trx, { awardId: welcome.awardId, approverId: admin.id, now: new Date() })
    await proposeAward(trx, {
      userId: resident.id, regionId: xfl.id, kind: 'manual', source: { type: 'manual', id: 'seed-pending-demo' },
      points: 30, proposedBy: staff.id, reason: '好人好事：帮助走失老人回家', now: new Date(),
    })
  })
}
