import { AWAITING_RESPONSE_STATUSES, type CaseStatus, type ResolutionOutcome } from '@anju/shared'
import { approveAward, proposeAward } from '../../awards'
import { hashPassword } from '../../auth/passwords'
import { caseDayKey, caseNumberFor } from '../../lib/caseNumbers'
import { chinaDate, chinaDateStart } from '../../lib/chinaTime'
import { pointInPolygon, type LatLng } from '../../lib/geo'
import { caseRollupsRepo } from '../../repositories/caseRollups'
import { categoriesRepo, type CategoryRow } from '../../repositories/categories'
import { membershipsRepo, patrolTeamsRepo } from '../../repositories/patrolTeams'
import { regionsRepo, type RegionRow } from '../../repositories/regions'
import { usersRepo } from '../../repositories/users'
import { rebuildCaseFigures } from '../../rollups'
import { withTransaction } from '../transaction'
import type { Db, Trx } from '../knex'
import { DEMO_PASSWORD } from './demo'
import { DEMO_PATROL_TEAM } from './patrols'
import { gridAreaRow } from './gridLoop'

/**
 * Three months of demo history for `npm start`, so the governance console has something to show: two more
 * communities under 建设路街道 and a second street (书院路街道, with its own centre `centre2`), a grid worker per
 * grid, about fourteen hundred cases through the whole loop (rejected, closed fixed / not fixed / no action,
 * late, rated, still open and overdue), some awards, and a season of patrols. Deterministic (a seeded
 * generator), added once (a marker in rollup_state), never run by the tests: they keep the plain demo data.
 */

const HOUR = 3_600_000
const DAY = 24 * HOUR
const DAYS = 91
const MARKER = 'demo_history_seeded'

/** A small seeded generator (mulberry32): the same demo data on every machine. */
function generator(seed: number) {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface RegionSeed { code: string; name: string; level: 'street' | 'community' | 'grid'; parent: string; polygon?: [number, number][] }

/** New regions; the polygons tile the land east and north of the existing three demo grids (GCJ-02). */
export const HISTORY_REGIONS: RegionSeed[] = [
  { code: 'XT-YT-JSL-JS', name: '建设社区', level: 'community', parent: 'XT-YT-JSL' },
  { code: 'XT-YT-JSL-JS-G1', name: '建设第一网格', level: 'grid', parent: 'XT-YT-JSL-JS',
    polygon: [[27.850, 112.952], [27.850, 112.961], [27.8545, 112.9625], [27.858, 112.960], [27.858, 112.952]] },
  { code: 'XT-YT-JSL-JS-G2', name: '建设第二网格', level: 'grid', parent: 'XT-YT-JSL-JS',
    polygon: [[27.858, 112.952], [27.858, 112.960], [27.8625, 112.9615], [27.866, 112.959], [27.866, 112.952]] },
  { code: 'XT-YT-JSL-XH', name: '新华社区', level: 'community', parent: 'XT-YT-JSL' },
  { code: 'XT-YT-JSL-XH-G1', name: '新华第一网格', level: 'grid', parent: 'XT-YT-JSL-XH',
    polygon: [[27.843, 112.936], [27.843, 112.9465], [27.8465, 112.9485], [27.850, 112.946], [27.850, 112.936], [27.8465, 112.9345]] },
  { code: 'XT-YT-SYL', name: '书院路街道', level: 'street', parent: 'XT-YT' },
  { code: 'XT-YT-SYL-SY', name: '书院社区', level: 'community', parent: 'XT-YT-SYL' },
  { code: 'XT-YT-SYL-SY-G1', name: '书院第一网格', level: 'grid', parent: 'XT-YT-SYL-SY',
    polygon: [[27.866, 112.936], [27.866, 112.948], [27.874, 112.948], [27.874, 112.936]] },
  { code: 'XT-YT-SYL-SY-G2', name: '书院第二网格', level: 'grid', parent: 'XT-YT-SYL-SY',
    polygon: [[27.866, 112.948], [27.866, 112.960], [27.874, 112.960], [27.874, 112.948]] },
]

/** A grid worker per grid (the demo `grid` already works 幸福里第一网格) and the second street's centre. */
export const HISTORY_STAFF = [
  { username: 'grid2', displayName: '网格员 李娜', role: 'grid_worker', regionCode: 'XT-YT-JSL-XFL-G2' },
  { username: 'grid3', displayName: '网格员 王芳', role: 'grid_worker', regionCode: 'XT-YT-JSL-HP-G1' },
  { username: 'grid4', displayName: '网格员 刘洋', role: 'grid_worker', regionCode: 'XT-YT-JSL-JS-G1' },
  { username: 'grid5', displayName: '网格员 陈静', role: 'grid_worker', regionCode: 'XT-YT-JSL-JS-G2' },
  { username: 'grid6', displayName: '网格员 杨帆', role: 'grid_worker', regionCode: 'XT-YT-JSL-XH-G1' },
  { username: 'grid7', displayName: '网格员 赵磊', role: 'grid_worker', regionCode: 'XT-YT-SYL-SY-G1' },
  { username: 'grid8', displayName: '网格员 孙丽', role: 'grid_worker', regionCode: 'XT-YT-SYL-SY-G2' },
  { username: 'centre2', displayName: '书院路街道综治中心', role: 'centre', regionCode: 'XT-YT-SYL' },
] as const

/** How busy each grid is, relative to one another. */
const GRID_WEIGHTS: Record<string, number> = {
  'XT-YT-JSL-XFL-G1': 3.2, 'XT-YT-JSL-XFL-G2': 1.8, 'XT-YT-JSL-HP-G1': 1.4, 'XT-YT-JSL-JS-G1': 2.6, 'XT-YT-JSL-JS-G2': 1.0,
  'XT-YT-JSL-XH-G1': 0.8, 'XT-YT-SYL-SY-G1': 1.6, 'XT-YT-SYL-SY-G2': 1.1,
}
const CATEGORY_WEIGHTS: Record<string, number> = {
  noise: 12, sanitation: 14, property: 8, neighbour_dispute: 6, facility_damage: 8, complaint_other: 4, illegal_parking: 18,
  street_vending: 7, thrown_from_vehicle: 2, illegal_construction: 3, work_safety: 3, fire_safety: 5, public_security: 6, drug_clue: 1,
}
const TEXTS: Record<string, string[]> = {
  noise: ['楼下商铺深夜音响声音很大，影响休息', '广场舞音响太响，晚上十点后还在跳', '装修电钻声从早响到晚'],
  sanitation: ['垃圾桶满了没人清运，气味很大', '小区后门堆了很多建筑垃圾', '路边有死老鼠没人处理'],
  property: ['电梯坏了一周还没修', '物业不处理楼道漏水', '地下车库照明坏了很多'],
  neighbour_dispute: ['邻居长期占用公共走廊堆放杂物', '楼上漏水到我家，协商不成'],
  facility_damage: ['路灯不亮好几天了', '人行道地砖松动，容易绊倒', '健身器材断裂，存在安全隐患'],
  complaint_other: ['希望小区增加快递柜', '公交站牌信息过时'],
  illegal_parking: ['小区门口车辆长期占用消防通道', '人行道上停满了车'],
  street_vending: ['早市摊贩占道经营，行人无法通过', '夜宵摊占用人行道'],
  thrown_from_vehicle: ['有车辆从车窗往外扔垃圾'],
  illegal_construction: ['顶楼住户私自搭建彩钢房', '一楼住户私自破墙开店'],
  work_safety: ['工地脚手架没有防护网', '小作坊违规存放液化气罐'],
  fire_safety: ['楼道里电动车充电，飞线很多', '消防栓被杂物挡住'],
  public_security: ['小区门禁坏了，陌生人随意进出', '深夜有人在巷子里聚集喧哗'],
  drug_clue: ['发现可疑人员在出租屋频繁出入'],
}

function pick<T>(rand: () => number, weights: [T, number][]): T {
  const total = weights.reduce((s, [, w]) => s + w, 0)
  let r = rand() * total
  for (const [item, w] of weights) {
    r -= w
    if (r <= 0) return item
  }
  return weights[weights.length - 1]![0]
}

function pointIn(rand: () => number, polygon: LatLng[]): LatLng {
  const lats = polygon.map((p) => p[0])
  const lngs = polygon.map((p) => p[1])
  for (;;) {
    const p: LatLng = [
      Math.min(...lats) + rand() * (Math.max(...lats) - Math.min(...lats)),
      Math.min(...lngs) + rand() * (Math.max(...lngs) - Math.min(...lngs)),
    ]
    if (pointInPolygon(p, polygon)) return [Math.round(p[0] * 1e6) / 1e6, Math.round(p[1] * 1e6) / 1e6]
  }
}

async function seedRegionsAndStaff(trx: Trx) {
  for (const r of HISTORY_REGIONS) {
    const parent = (await regionsRepo.findByCode(trx, r.parent))!
    const region = (await regionsRepo.findByCode(trx, r.code)) ?? (await regionsRepo.insert(trx, { parent, level: r.level, name: r.name, code: r.code }))
    if (r.polygon) await trx('grid_areas').insert(gridAreaRow(region.id, r.polygon)).onConflict('region_id').ignore()
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD)
  for (const s of HISTORY_STAFF) {
    if (await usersRepo.findByUsername(trx, s.username)) continue
    const region = (await regionsRepo.findByCode(trx, s.regionCode))!
    await usersRepo.insert(trx, { username: s.username, passwordHash, displayName: s.displayName, role: s.role, regionId: region.id })
  }
}

interface GridInfo { grid: RegionRow; ancestors: RegionRow[]; polygon: LatLng[]; workerId: number; staffId: number; weight: number }

/** Where a case of this category is handled: the grid's ancestor at the routing level. */
const routed = (g: GridInfo, category: CategoryRow) => g.ancestors.find((r) => r.level === category.routing_level) ?? g.grid

export async function seedHistory(db: Db, now = new Date()): Promise<void> {
  if (await caseRollupsRepo.state(db, MARKER)) return
  const rand = generator(20261126)
  const grids: GridInfo[] = []
  let residents: number[] = []
  await withTransaction(db, async (trx) => {
    await seedRegionsAndStaff(trx)
    for (const [code, weight] of Object.entries(GRID_WEIGHTS)) {
      const grid = (await regionsRepo.findByCode(trx, code))!
      const area = await trx('grid_areas').where({ region_id: grid.id }).first()
      const worker = await trx('users').where({ region_id: grid.id, role: 'grid_worker' }).orderBy('id').first()
      const ancestors = await regionsRepo.findByIds(trx, grid.path.split('/').filter(Boolean).map(Number))
      // Who accepts and verifies: the community's staff where there is one, else the street's centre.
      const handler = await trx('users').whereIn('region_id', ancestors.map((a) => a.id)).whereIn('role', ['staff', 'centre'])
        .whereNotNull('password_hash').orderByRaw("CASE WHEN role = 'staff' THEN 0 ELSE 1 END").first()
      grids.push({ grid, ancestors, polygon: JSON.parse(area.polygon), workerId: Number(worker.id), staffId: Number(handler.id), weight })
    }
    residents = []
    for (let i = 1; i <= 80; i++) {
      const openid = `demo-history:${i}`
      const community = grids[i % grids.length]!.ancestors.find((r) => r.level === 'community')!
      residents.push((await usersRepo.findByOpenid(trx, openid))?.id ??
        (await usersRepo.insert(trx, { openid, displayName: `居民${String(i).padStart(2, '0')}`, role: 'resident', regionId: community.id })))
    }
  })
  const categories = new Map((await categoriesRepo.list(db)).map((c) => [c.code, c]))
  const closedForAwards: { caseId: number; reporterId: number; gridId: number; kind: string; code: string; number: string }[] = []

  // A day at a time, each in its own transaction: cases, their timelines and their reporters.
  for (let d = DAYS - 1; d >= 0; d--) {
    const dayStart = new Date(now.getTime() - d * DAY)
    const weekday = new Date(dayStart.getTime() + 8 * HOUR).getUTCDay()
    const busy = (weekday === 0 || weekday === 6 ? 0.8 : 1.1) * (0.85 + 0.3 * ((DAYS - d) / DAYS))
    const plans: { g: GridInfo; createdAt: Date }[] = []
    for (const g of grids) {
      const expected = g.weight * 1.05 * busy
      const n = Math.floor(expected + rand())
      for (let i = 0; i < n; i++) {
        // Reports come in between 07:00 and 22:00, China time.
        const createdAt = new Date(chinaDateStart(chinaDate(dayStart)).getTime() + (7 + rand() * 15) * HOUR)
        if (createdAt.getTime() < now.getTime() - 20 * 60_000) plans.push({ g, createdAt })
      }
    }
    plans.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    await withTransaction(db, async (trx) => {
      const counters = new Map<string, number>()
      for (const { g, createdAt } of plans) {
        const code = pick(rand, Object.entries(CATEGORY_WEIGHTS))
        const category = categories.get(code)!
        const dayKey = caseDayKey(createdAt)
        if (!counters.has(dayKey)) {
          await trx('case_number_counters').insert({ day: dayKey, last: 0 }).onConflict('day').ignore()
          counters.set(dayKey, Number((await trx('case_number_counters').where({ day: dayKey }).first()).last))
        }
        const seq = counters.get(dayKey)! + 1
        counters.set(dayKey, seq)
        const c = await insertCase(trx, rand, { g, category, createdAt, now, number: caseNumberFor(dayKey, seq), reporterId: residents[Math.floor(rand() * residents.length)]! })
        if (c.closedFixed && closedForAwards.length < 90 && rand() < 0.12) {
          closedForAwards.push({ caseId: c.id, reporterId: c.reporterId, gridId: g.grid.id, kind: category.kind, code, number: c.number })
        }
      }
      for (const [day, last] of counters) await trx('case_number_counters').where({ day }).update({ last })
    })
  }
  await rebuildCaseFigures(db, chinaDate(new Date(now.getTime() - DAYS * DAY)), chinaDate(now))
  await seedAwards(db, closedForAwards)
  await seedPatrols(db, rand, now)
  await caseRollupsRepo.setState(db, MARKER, chinaDate(now))
}

/** One case with its whole history up to now, as the loop would have left it. */
async function insertCase(
  trx: Trx, rand: () => number,
  { g, category, createdAt, now, number, reporterId }: { g: GridInfo; category: CategoryRow; createdAt: Date; now: Date; number: string; reporterId: number },
) {
  const at = (hours: number) => new Date(createdAt.getTime() + hours * HOUR)
  const respH = category.response_sla_hours
  const resH = category.resolve_sla_hours
  const ageH = (now.getTime() - createdAt.getTime()) / HOUR
  const events: { kind: string; from: CaseStatus | null; to: CaseStatus | null; at: Date; actor: number | null; role: string | null; note: string | null }[] = []
  const move = (kind: string, from: CaseStatus | null, to: CaseStatus, t: Date, actor: number | null, role: string | null, note: string | null = null) =>
    events.push({ kind, from, to, at: t, actor, role, note })
  move('submit', null, 'submitted', createdAt, reporterId, 'resident')

  let status: CaseStatus = 'submitted'
  let acceptedAt: Date | null = null
  let closedAt: Date | null = null
  let resolvedAt: Date | null = null
  let outcome: ResolutionOutcome | null = null
  let rating: boolean | null = null
  let assignee: number | null = null
  const region = routed(g, category)
  const staffActor = g.staffId
  // The stages reached so far, each after a plausible delay.
  const acceptH = respH * (0.15 + rand() * (rand() < 0.1 ? 1.6 : 0.8))
  const rejected = rand() < 0.05
  if (rejected && ageH > acceptH) {
    status = 'rejected'
    closedAt = at(acceptH)
    move('reject', 'submitted', 'rejected', closedAt, staffActor, 'staff', '不属于受理范围，已告知反映人')
  } else if (ageH > acceptH) {
    acceptedAt = at(acceptH)
    status = 'accepted'
    move('accept', 'submitted', 'accepted', acceptedAt, staffActor, 'staff')
    const dispatchH = acceptH + 0.5 + rand()
    if (ageH > dispatchH) {
      assignee = g.workerId
      status = 'dispatched'
      move('dispatch', 'accepted', 'dispatched', at(dispatchH), staffActor, 'staff')
      const startH = dispatchH + 0.5 + rand() * 2
      if (ageH > startH) {
        status = 'in_progress'
        move('start', 'dispatched', 'in_progress', at(startH), assignee, 'grid_worker')
        // Most cases close well inside their deadline; about one in eight runs late.
        const late = rand() < 0.13
        const resolveH = late ? resH * (1.05 + rand() * 0.8) : Math.max(startH + 0.5, resH * (0.08 + rand() * 0.7))
        if (ageH > resolveH) {
          outcome = pick(rand, [['fixed', 80], ['no_action_needed', 12], ['not_fixed', 8]] as [ResolutionOutcome, number][])
          resolvedAt = at(resolveH)
          status = 'resolved'
          move('resolve', 'in_progress', 'resolved', resolvedAt, assignee, 'grid_worker', outcome === 'fixed' ? '已现场处置完毕' : outcome === 'not_fixed' ? '经多次协调仍未解决，如实反馈' : '经核实无需处置')
          const verifyH = resolveH + 0.5 + rand() * 3
          if (ageH > verifyH) {
            status = 'verified'
            move('verify', 'resolved', 'verified', at(verifyH), staffActor, 'staff')
            const closeH = verifyH + 1 + rand() * 20
            if (ageH > closeH) {
              closedAt = at(closeH)
              status = 'closed'
              if (rand() < 0.65) {
                rating = outcome === 'not_fixed' ? rand() < 0.3 : rand() < 0.9
                move('rate', 'verified', 'closed', closedAt, reporterId, 'resident', rating ? '处理及时，满意' : '问题没有解决')
              } else {
                move('close', 'verified', 'closed', closedAt, staffActor, 'staff', '居民未评价，按期办结')
              }
            }
          }
        }
      }
    }
  }
  const responseDue = at(respH)
  const resolveDue = at(resH)
  const open = status !== 'closed' && status !== 'rejected'
  const responseOverdue = AWAITING_RESPONSE_STATUSES.includes(status) ? now > responseDue : (acceptedAt ? acceptedAt > responseDue : false)
  const resolveOverdue = open ? now > resolveDue : (closedAt !== null && status === 'closed' && closedAt > resolveDue)
  for (const [which, due, went] of [['受理', responseDue, responseOverdue], ['办结', resolveDue, resolveOverdue]] as const) {
    if (went) events.push({ kind: 'supervise', from: null, to: null, at: due, actor: null, role: null, note: `超过${which}时限，已督办` })
  }
  events.sort((a, b) => a.at.getTime() - b.at.getTime())
  const [lat, lng] = pointIn(rand, g.polygon)
  const texts = TEXTS[category.code] ?? ['需要处理的问题']
  const [id] = await trx('cases').insert({
    number, kind: category.kind, category_code: category.code, colour: category.colour, status,
    text: texts[Math.floor(rand() * texts.length)]!, lat, lng, address: `${g.grid.name}附近`, plate: category.required_fields.includes('plate') ? '湘C12345' : null,
    photo_ids: '[]', anonymous: rand() < 0.1, confidential: category.confidential, reporter_id: reporterId,
    region_id: region.id, region_path: region.path, grid_id: g.grid.id, grid_path: g.grid.path, assignee_id: assignee,
    occurred_at: new Date(createdAt.getTime() - rand() * HOUR), response_due_at: responseDue, resolve_due_at: resolveDue,
    response_overdue: responseOverdue, resolve_overdue: resolveOverdue, outcome, rating_satisfied: rating,
    rating_comment: null, reopen_count: 0, follower_count: 0, accepted_at: acceptedAt, resolved_at: resolvedAt, closed_at: closedAt,
    created_at: createdAt, updated_at: events[events.length - 1]!.at, version: events.length,
  })
  const caseId = Number(id)
  await trx('case_followers').insert({ case_id: caseId, user_id: reporterId, relation: 'reporter', anonymous: false, created_at: createdAt })
  await trx('case_events').insert(events.map((e) => ({
    case_id: caseId, kind: e.kind, from_status: e.from, to_status: e.to, actor_id: e.actor, actor_role: e.role, note: e.note,
    photo_ids: '[]', created_at: e.at,
  })))
  return { id: caseId, number, reporterId, closedFixed: status === 'closed' && outcome === 'fixed' }
}

/** Points for some of the closed cases, proposed and approved through the awards module. */
async function seedAwards(db: Db, closed: { caseId: number; reporterId: number; gridId: number; kind: string; code: string; number: string }[]) {
  const admin = (await usersRepo.findByUsername(db, 'admin'))!
  for (const c of closed) {
    await withTransaction(db, async (trx) => {
      const proposed = await proposeAward(trx, {
        userId: c.reporterId, regionId: c.gridId, kind: c.kind as never, source: { type: 'report', id: String(c.caseId) },
        categoryCode: c.code, proposedBy: null, reason: `案件 ${c.number}`, now: new Date(),
      })
      if (proposed.status === 'pending') await approveAward(trx, { awardId: proposed.awardId, approverId: admin.id, now: new Date() })
    }).catch(() => undefined) // a cap or budget reached: that award stays unpaid, like in life
  }
}

/** A season of patrols by ten more volunteers of the demo team: mostly valid, some too short or off route. */
async function seedPatrols(db: Db, rand: () => number, now: Date) {
  await withTransaction(db, async (trx) => {
    const community = (await regionsRepo.findByCode(trx, 'XT-YT-JSL-XFL'))!
    const team = (await patrolTeamsRepo.listUnder(trx, community.path)).find((t) => t.name === DEMO_PATROL_TEAM)
    if (!team) return
    const route = await trx('patrol_routes').where({ team_id: team.id }).first()
    const checkpoints = Number((await trx('patrol_checkpoints').where({ route_id: route.id }).count({ n: '*' }).first())?.n ?? 0)
    if (!checkpoints) return
    const volunteers: number[] = []
    for (let i = 1; i <= 10; i++) {
      const openid = `demo-history-volunteer:${i}`
      let id = (await usersRepo.findByOpenid(trx, openid))?.id
      if (!id) {
        id = await usersRepo.insert(trx, { openid, displayName: `志愿者${String(i).padStart(2, '0')}`, role: 'volunteer', regionId: community.id })
        const membership = await membershipsRepo.insert(trx, team.id, id)
        await membershipsRepo.transition(trx, membership, 'applied', 'accepted', null)
      }
      volunteers.push(id)
    }
    const rows = []
    for (let d = DAYS - 1; d >= 1; d--) {
      for (const userId of volunteers) {
        if (rand() > 0.18) continue
        const startedAt = new Date(now.getTime() - d * DAY - (2 + rand() * 10) * HOUR)
        const tooShort = rand() < 0.12
        const durationS = Math.round((tooShort ? 8 + rand() * 10 : 30 + rand() * 60) * 60)
        const done = tooShort ? Math.floor(rand() * 3) : checkpoints - (rand() < 0.3 ? 1 : 0)
        const valid = !tooShort && done / checkpoints >= 0.6
        const distanceM = Math.round(durationS * (0.9 + rand() * 0.5))
        const reasons = valid ? [] : [{ code: 'TOO_SHORT', message: '巡逻时间不足 20 分钟' }]
        rows.push({
          user_id: userId, team_id: team.id, route_id: route.id, region_id: community.id, status: 'finished', running_user_id: null,
          start_lat: 27.86, start_lng: 112.94, start_accuracy: 10, started_at: startedAt, ended_at: new Date(startedAt.getTime() + durationS * 1000),
          auto_closed: false, checkpoints_total: checkpoints, checkpoints_done: done, duration_s: durationS, distance_m: distanceM, valid,
          rewarded: false,
          judgement: JSON.stringify({
            valid, rewardable: false, summary: valid ? '有效巡逻' : '无效巡逻：巡逻时间不足 20 分钟', reasons, durationS, distanceM,
            maxSpeedKmh: 6, pointCount: Math.round(durationS / 10), checkpointsDone: done, checkpointsTotal: checkpoints,
          }),
          judged_at: new Date(startedAt.getTime() + durationS * 1000), created_at: startedAt, updated_at: startedAt,
        })
      }
    }
    for (let i = 0; i < rows.length; i += 100) await trx('patrols').insert(rows.slice(i, i + 100))
  })
}
