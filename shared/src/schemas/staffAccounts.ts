import { Role } from '../roles'
import { z } from '../zod'
import { RegionRef } from './users'

/** Roles an account in the staff-account pages may have. */
export const STAFF_ACCOUNT_ROLES = ['grid_worker', 'staff', 'centre', 'admin'] as const
export const StaffAccountRole = z.enum(STAFF_ACCOUNT_ROLES, { message: '请选择角色' })

const password = z.string().min(8, '密码至少 8 位').max(128, '密码最多 128 位')

export const StaffAccountView = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    role: Role,
    region: RegionRef,
    disabled: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'StaffAccount' })
export type StaffAccountView = z.infer<typeof StaffAccountView>

export const StaffAccountList = z.object({ items: z.array(StaffAccountView) }).meta({ id: 'StaffAccountList' })
export const StaffAccountQuery = z.object({ regionId: z.coerce.number().int().positive().optional() })

export const StaffAccountInput = z
  .object({
    username: z.string().trim().regex(/^[a-z0-9][a-z0-9_.-]{2,31}$/, '用户名为 3–32 位小写字母、数字、点、下划线或短横线'),
    displayName: z.string().trim().min(1, '请填写姓名').max(64),
    role: StaffAccountRole,
    regionId: z.number().int().positive('请选择所属区域'),
    password,
  })
  .meta({ id: 'StaffAccountInput' })

export const StaffAccountUpdate = z
  .object({
    displayName: z.string().trim().min(1, '请填写姓名').max(64).optional(),
    role: StaffAccountRole.optional(),
    regionId: z.number().int().positive().optional(),
    disabled: z.boolean().optional(),
  })
  .refine((u) => Object.values(u).some((v) => v !== undefined), { message: '没有要修改的内容' })
  .meta({ id: 'StaffAccountUpdate' })

export const StaffPasswordReset = z.object({ password }).meta({ id: 'StaffPasswordReset' })
export const StaffAccountIdParam = z.object({ id: z.coerce.number().int().positive('编号有误') })
