import { z } from '../zod'
import { RegionLevel } from '../roles'

export const RegionView = z
  .object({
    id: z.number().int(),
    parentId: z.number().int().nullable(),
    level: RegionLevel,
    name: z.string(),
    code: z.string(),
  })
  .meta({ id: 'Region' })
export type RegionView = z.infer<typeof RegionView>

export const RegionList = z.object({ items: z.array(RegionView) }).meta({ id: 'RegionList' })
export type RegionList = z.infer<typeof RegionList>

export const IdParam = z.object({ id: z.coerce.number().int().positive('编号有误') })
