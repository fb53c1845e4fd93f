import { z } from '../zod'
import { CategoryView } from './cases'

/** A category as administrators see it: whether it is offered to residents as well. */
export const AdminCategoryView = CategoryView.extend({ active: z.boolean() }).meta({ id: 'AdminCategory' })
export const AdminCategoryList = z.object({ items: z.array(AdminCategoryView) }).meta({ id: 'AdminCategoryList' })

export const AdminGridAreaList = z
  .object({
    items: z.array(z.object({
      id: z.number().int(),
      name: z.string(),
      community: z.string(),
      polygon: z.array(z.tuple([z.number(), z.number()])).nullable().describe('GCJ-02 [lat, lng]；未设置为 null'),
    })),
  })
  .meta({ id: 'AdminGridAreaList' })

export const AdminGridPlatformList = z
  .object({
    items: z.array(z.object({
      id: z.number().int(), regionId: z.number().int(), regionName: z.string(), name: z.string(), url: z.string(), active: z.boolean(),
      deadLetters: z.number().int(), pending: z.number().int(),
    })),
  })
  .meta({ id: 'AdminGridPlatformList' })

export const Open311KeyList = z
  .object({
    items: z.array(z.object({ id: z.number().int(), name: z.string(), createdAt: z.string(), revokedAt: z.string().nullable() })),
  })
  .meta({ id: 'Open311KeyList' })
export const Open311KeyIdParam = z.object({ id: z.coerce.number().int().positive('编号有误') })
export const AdminRegionQuery = z.object({ regionId: z.coerce.number().int().positive().optional() })
