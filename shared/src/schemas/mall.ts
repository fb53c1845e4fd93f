import { z } from '../zod'
import { RegionRef } from './users'
import { PersonRef } from './points'
import { normalisePickupCode } from '../pickupCodes'

export const REWARD_STATUSES = ['active', 'archived'] as const
export const RewardStatus = z.enum(REWARD_STATUSES)

export const RewardView = z
  .object({
    id: z.number().int(),
    title: z.string(),
    description: z.string(),
    imageUploadId: z.string().nullable().describe('礼品图片的上传编号，没有图片时为 null'),
    imageUrl: z.string().describe('礼品图片的签名链接（与照片一样短时有效，无需登录即可加载）；没有图片时为空字符串'),
    pointsCost: z.number().int(),
    stockTotal: z.number().int(),
    stockRemaining: z.number().int(),
    perResidentLimit: z.number().int(),
    validFrom: z.string(),
    validUntil: z.string(),
    pickupPlace: z.string(),
    pickupInstructions: z.string(),
    pickupDays: z.number().int().describe('兑换后须在几天内凭领取码领取，逾期自动取消并退回积分'),
    pickupRegions: z.array(RegionRef).describe('在哪些区域交付：这些区域（及其上级）的工作人员核销领取码'),
    region: RegionRef,
    status: RewardStatus,
    /** Null when the caller may redeem it now; otherwise why not, in Chinese. */
    unavailableReason: z.string().nullable(),
    redeemedByMe: z
      .number()
      .int()
      .nullable()
      .describe('我已兑换且未取消、未过期的件数（计入每人限兑）；工作人员的礼品列表中为 null'),
  })
  .meta({ id: 'Reward' })
export type RewardView = z.infer<typeof RewardView>

export const RewardList = z.object({ items: z.array(RewardView) }).meta({ id: 'RewardList' })
export const RewardIdParam = z.object({ id: z.coerce.number().int().positive('编号有误') })

const isoDate = z.iso.datetime({ offset: true, message: '时间格式有误' })

export const RewardInput = z
  .object({
    regionId: z.number().int().positive('请选择适用范围'),
    title: z.string().trim().min(2, '标题至少 2 个字').max(64),
    description: z.string().trim().max(2000).default(''),
    imageUploadId: z
      .string()
      .regex(/^[a-f0-9]{32}$/, '图片编号有误')
      .nullable()
      .optional()
      .describe('POST /api/uploads 返回的编号；null 去掉图片；修改时不传则保留原图片'),
    pointsCost: z.number().int().min(1, '所需积分至少为 1').max(1_000_000),
    stock: z.number().int().min(0, '库存不能为负').max(1_000_000),
    perResidentLimit: z.number().int().min(1, '每人限兑至少 1 件').max(100),
    validFrom: isoDate,
    validUntil: isoDate,
    pickupPlace: z.string().trim().min(2, '请填写领取地点').max(128),
    pickupInstructions: z.string().trim().max(255).default(''),
    pickupRegionIds: z
      .array(z.number().int().positive())
      .min(1, '请选择领取地点所在区域')
      .max(200)
      .optional()
      .describe('交付礼品的区域（须在适用范围内），例如“各街道综治中心”列出各街道；不传时为适用范围本身，修改时不传则保留'),
  })
  .refine((r) => new Date(r.validUntil) > new Date(r.validFrom), { message: '结束时间须晚于开始时间', path: ['validUntil'] })
  .meta({ id: 'RewardInput' })
export type RewardInput = z.infer<typeof RewardInput>

export const REDEMPTION_STATUSES = ['reserved', 'fulfilled', 'cancelled', 'expired'] as const
export const RedemptionStatus = z.enum(REDEMPTION_STATUSES)
export type RedemptionStatus = z.infer<typeof RedemptionStatus>
export const REDEMPTION_STATUS_LABELS: Record<RedemptionStatus, string> = {
  reserved: '待领取',
  fulfilled: '已领取',
  cancelled: '已取消',
  expired: '已过期',
}

export const RedemptionView = z
  .object({
    id: z.string(),
    code: z.string().describe('领取码，核销时出示'),
    status: RedemptionStatus,
    points: z.number().int(),
    reward: z.object({ id: z.number().int(), title: z.string(), pickupPlace: z.string(), pickupInstructions: z.string() }),
    resident: PersonRef.nullable().describe('仅工作人员可见'),
    expiresAt: z.string(),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
    /**
     * A PNG data URL of the code as a QR code, for the owner while it can be picked up, in the view of one
     * redemption (GET /api/redemptions/{id}); null in lists and in the answer to redeeming, which carry the code.
     */
    qrDataUrl: z.string().nullable().describe('领取码二维码（PNG data URL），仅在查看单个兑换时给出'),
    actions: z.array(z.enum(['cancel', 'fulfil'])),
  })
  .meta({ id: 'Redemption' })
export type RedemptionView = z.infer<typeof RedemptionView>

export const RedemptionList = z.object({ items: z.array(RedemptionView) }).meta({ id: 'RedemptionList' })
export const RedemptionIdParam = z.object({ id: z.string().uuid('编号有误') })
/** A pickup code as heard or typed, brought to the form it was issued in (see normalisePickupCode). */
const PickupCode = z
  .string()
  .max(64, '领取码应为 16 位字母或数字')
  .overwrite(normalisePickupCode)
  .regex(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/, '领取码应为 16 位字母或数字')
  .describe('领取码；大小写、空格和连字符不影响，O、I、L 按 0、1、1 处理')
export const RedemptionCodeParam = z.object({ code: PickupCode })
export const FulfilInput = z.object({ code: PickupCode }).meta({ id: 'FulfilInput' })
