import type { RegionLevel, Role } from '@anju/shared'
import { hashPassword } from '../../auth/passwords'
import { regionsRepo, type RegionRow } from '../../repositories/regions'
import { usersRepo } from '../../repositories/users'
import type { Db } from '../knex'
import { seedSafetyIndicators } from '../../safetyIndex'
import { seedGridLoop } from './gridLoop'
import { seedPatrolDemo } from './patrols'
import { seedPoints } from './points'

/** Password of every demo staff account. Demo data only: never seeded in production. */
export const DEMO_PASSWORD = 'anju-demo-2026'

interface RegionSeed {
  code: string
  name: string
  level: RegionLevel
  children?: RegionSeed[]
}

export const DEMO_REGIONS: RegionSeed = {
  code: 'XT', name: '湘潭市', level: 'city', children: [
    { code: 'XT-YT', name: '岳塘区', level: 'district', children: [
      { code: 'XT-YT-JSL', name: '建设路街道', level: 'street', children: [
        { code: 'XT-YT-JSL-XFL', name: '幸福里社区', level: 'community', children: [
          { code: 'XT-YT-JSL-XFL-G1', name: '幸福里第一网格', level: 'grid' },
          { code: 'XT-YT-JSL-XFL-G2', name: '幸福里第二网格', level: 'grid' },
        ] },
        { code: 'XT-YT-JSL-HP', name: '和平社区', level: 'community', children: [
          { code: 'XT-YT-JSL-HP-G1', name: '和平第一网格', level: 'grid' },
        ] },
      ] },
    ] },
  ],
}

export const DEMO_STAFF: { username: string; displayName: string; role: Role; regionCode: string }[] = [
  { username: 'admin', displayName: '市级管理员', role: 'admin', regionCode: 'XT' },
  { username: 'centre', displayName: '街道综治中心', role: 'centre', regionCode: 'XT-YT-JSL' },
  { username: 'staff', displayName: '幸福里社区 王敏', role: 'staff', regionCode: 'XT-YT-JSL-XFL' },
  { username: 'staff2', displayName: '和平社区 李强', role: 'staff', regionCode: 'XT-YT-JSL-HP' },
  { username: 'grid', displayName: '网格员 张伟', role: 'grid_worker', regionCode: 'XT-YT-JSL-XFL-G1' },
]

/** The resident behind the h5 development login's default handle. */
export const DEMO_RESIDENT = { openid: 'dev:demo', displayName: '演示居民' }

async function seedRegion(db: Db, seed: RegionSeed, parent: RegionRow | null) {
  const region =
    (await regionsRepo.findByCode(db, seed.code)) ??
    (await regionsRepo.insert(db, { parent, level: seed.level, name: seed.name, code: seed.code }))
  for (const child of seed.children ?? []) await seedRegion(db, child, region)
}

/** Idempotent: running it again changes nothing. */
export async function seedDemo(db: Db): Promise<void> {
  await db.transaction(async (trx) => {
    await seedRegion(trx as unknown as Db, DEMO_REGIONS, null)
    for (const staff of DEMO_STAFF) {
      if (await usersRepo.findByUsername(trx, staff.username)) continue
      const region = await regionsRepo.findByCode(trx, staff.regionCode)
      await usersRepo.insert(trx, {
        username: staff.username,
        passwordHash: await hashPassword(DEMO_PASSWORD),
        displayName: staff.displayName,
        role: staff.role,
        regionId: region!.id,
      })
    }
    if (!(await usersRepo.findByOpenid(trx, DEMO_RESIDENT.openid))) {
      await usersRepo.insert(trx, { openid: DEMO_RESIDENT.openid, displayName: DEMO_RESIDENT.displayName, role: 'resident' })
    }
  })
  await seedPoints(db)
  await seedPatrolDemo(db)
  await seedGridLoop(db)
  await seedSafetyIndicators(db)
}
