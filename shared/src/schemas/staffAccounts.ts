import { Role } from '../roles'
import { z } from '../zod'
import { NewPassword } from './auth'
import { RegionRef } from './users'

/** Roles an account in the staff-account pages may have. */
export const STAFF_ACCOUNT_ROLES = ['grid_worker', 'staff', 'centre', 'admin'] as const
export const StaffAccountRole = z.enum(STAFF_ACCOUNT_ROLES, { message: '请选择角色' })

export const StaffAccountView = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    role: Role,
    region: RegionRef,
    disabled: z.boolean(),
    lockedAt: z.string().nullable().describe('多次密码错误后被锁定的时间；null 表示未锁定'),
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
    password: NewPassword.describe('初始密码，当面或电话告知本人后请其尽快修改'),
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

export const StaffPasswordReset = z
  .object({ password: NewPassword.describe('由管理员设定的临时密码，当面或电话告知本人后请其尽快修改') })
  .meta({ id: 'StaffPasswordReset' })
export const StaffAccountIdParam = z.object({ id: z.coerce.number().int().positive('编号有误') })
