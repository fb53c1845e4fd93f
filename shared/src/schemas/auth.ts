import { z } from '../zod'
import { UserView } from './users'

export const WechatLoginInput = z
  .object({ code: z.string().trim().min(1, '缺少微信登录凭证').max(128) })
  .meta({ id: 'WechatLoginInput' })
export type WechatLoginInput = z.infer<typeof WechatLoginInput>

export const StaffLoginInput = z
  .object({
    username: z.string().trim().min(1, '请输入用户名').max(64),
    password: z.string().min(1, '请输入密码').max(128),
  })
  .meta({ id: 'StaffLoginInput' })
export type StaffLoginInput = z.infer<typeof StaffLoginInput>

/** Development-only login: picks (or creates) a resident by a stable handle. */
export const DevLoginInput = z
  .object({
    handle: z
      .string()
      .trim()
      .regex(/^[a-z0-9_-]{1,32}$/, '只能使用小写字母、数字、下划线和短横线'),
    displayName: z.string().trim().min(1).max(32).optional(),
  })
  .meta({ id: 'DevLoginInput' })
export type DevLoginInput = z.infer<typeof DevLoginInput>

export const RefreshInput = z
  .object({ refreshToken: z.string().min(1, '缺少刷新凭证') })
  .meta({ id: 'RefreshInput' })
export type RefreshInput = z.infer<typeof RefreshInput>

export const AuthSession = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().describe('accessToken 有效秒数'),
    user: UserView,
  })
  .meta({ id: 'AuthSession' })
export type AuthSession = z.infer<typeof AuthSession>

export const LogoutInput = z
  .object({ refreshToken: z.string().min(1, '缺少刷新凭证').max(2048) })
  .meta({ id: 'LogoutInput' })
export type LogoutInput = z.infer<typeof LogoutInput>

export const LogoutResult = z.object({ ok: z.literal(true) }).meta({ id: 'LogoutResult' })

/** Shortest password a staff account may set. */
export const PASSWORD_MIN_LENGTH = 10

/** A new password: long enough, not all one kind of character. The server also refuses the account's username. */
export const NewPassword = z
  .string({ error: '请输入新密码' })
  .min(PASSWORD_MIN_LENGTH, `新密码至少 ${PASSWORD_MIN_LENGTH} 位`)
  .max(128, '新密码不能超过 128 位')
  .refine((p) => /[A-Za-z]/.test(p) && /[^A-Za-z]/.test(p), '新密码须同时包含字母和数字或符号')

export const ChangePasswordInput = z
  .object({
    currentPassword: z.string().min(1, '请输入当前密码').max(128),
    newPassword: NewPassword,
  })
  .meta({ id: 'ChangePasswordInput' })
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>
