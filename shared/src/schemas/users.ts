import { z } from '../zod'
import { Role, RegionLevel } from '../roles'

export const RegionRef = z
  .object({
    id: z.number().int(),
    name: z.string(),
    level: RegionLevel,
  })
  .meta({ id: 'RegionRef' })
export type RegionRef = z.infer<typeof RegionRef>

export const UserView = z
  .object({
    id: z.number().int(),
    displayName: z.string(),
    role: Role,
    region: RegionRef.nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'User' })
export type UserView = z.infer<typeof UserView>

export const SetCommunityInput = z
  .object({ regionId: z.number().int().positive('请选择所在社区') })
  .meta({ id: 'SetCommunityInput' })
