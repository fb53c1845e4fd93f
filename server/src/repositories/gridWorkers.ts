import { z } from 'zod'
import type { Queryable } from '../db/knex'
import { RegionLevel } from '@anju/shared'

const GridWorkerRow = z.object({
  id: z.coerce.number().int(),
  display_name: z.string(),
  region_id: z.coerce.number().int(),
  region_name: z.string(),
  region_level: RegionLevel,
})

export const gridWorkersRepo = {
  /** Enabled grid workers whose region lies under `path`. */
  async under(db: Queryable, path: string) {
    const rows = await db('users')
      .join('regions', 'regions.id', 'users.region_id')
      .where('users.role', 'grid_worker')
      .andWhere('users.disabled', false)
      .andWhere('regions.path', 'like', `${path}%`)
      .orderBy('regions.path')
      .orderBy('users.id')
      .select('users.id', 'users.display_name', 'users.region_id', 'regions.name as region_name', 'regions.level as region_level')
    return rows.map((r: unknown) => GridWorkerRow.parse(r))
  },
}
