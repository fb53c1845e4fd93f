import { ResolutionOutcome } from '../caseMachine'
import { z } from '../zod'

export const GridPlatformInput = z
  .object({
    regionId: z.number().int().positive('请选择区域'),
    name: z.string().trim().min(1, '请填写平台名称').max(64),
    url: z.url('地址格式不正确').max(512),
    secret: z.string().min(16, '签名密钥至少 16 位').max(128),
  })
  .meta({ id: 'GridPlatformInput' })

export const GridPlatformView = z
  .object({ id: z.number().int(), regionId: z.number().int(), name: z.string(), url: z.string(), active: z.boolean() })
  .meta({ id: 'GridPlatform' })

/** Where an outbox message goes; SMS or webhooks would be further destinations. */
export const OUTBOX_DESTINATIONS = ['grid_platform', 'wechat', 'inbox'] as const
export const OutboxDestination = z.enum(OUTBOX_DESTINATIONS)
export type OutboxDestination = z.infer<typeof OutboxDestination>
export const OUTBOX_DESTINATION_LABELS: Record<OutboxDestination, string> = {
  grid_platform: '外部网格平台',
  wechat: '微信订阅消息',
  inbox: '站内通知',
}

export const OutboxMessageView = z
  .object({
    id: z.number().int(),
    destination: OutboxDestination,
    platformId: z.number().int().nullable().describe('外部网格平台（其他去向为空）'),
    caseId: z.number().int().nullable(),
    caseNumber: z.string().nullable(),
    eventId: z.number().int().nullable(),
    recipientId: z.number().int().nullable().describe('通知的接收人（订阅消息、站内通知）'),
    idempotencyKey: z.string(),
    status: z.enum(['pending', 'delivered', 'skipped', 'dead']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'OutboxMessage' })
export type OutboxMessageView = z.infer<typeof OutboxMessageView>

export const OutboxMessageList = z.object({ items: z.array(OutboxMessageView) }).meta({ id: 'OutboxMessageList' })
export const OutboxIdParam = z.object({ id: z.coerce.number().int().positive('编号有误') })

/** What an external grid platform may send back, signed with its secret (X-Anju-Signature over the raw body). */
export const GridCallbackInput = z
  .object({
    callbackId: z.string().trim().min(1).max(64).describe('平台侧的唯一编号：重复回调只生效一次'),
    caseNumber: z.string().trim().min(1).max(16),
    action: z.enum(['accept', 'dispatch', 'resolve']),
    note: z.string().trim().max(500).optional(),
    assigneeUsername: z.string().trim().max(64).optional().describe('派给本系统的网格员；不填则由平台自行处置'),
    outcome: ResolutionOutcome.optional(),
  })
  .meta({ id: 'GridCallbackInput' })
export const GridCallbackParams = z.object({ platformId: z.coerce.number().int().positive('编号有误') })
export const GridCallbackResult = z
  .object({ caseNumber: z.string(), status: z.string(), replayed: z.boolean() })
  .meta({ id: 'GridCallbackResult' })

export const Open311KeyInput = z
  .object({ name: z.string().trim().min(1, '请填写接入方名称').max(64) })
  .meta({ id: 'Open311KeyInput' })
export const Open311KeyIssued = z
  .object({ id: z.number().int(), name: z.string(), apiKey: z.string().describe('只显示这一次，请妥善保存') })
  .meta({ id: 'Open311KeyIssued' })

/** A grid's area: a closed ring of GCJ-02 points, [lat, lng] each, 3 to 200 of them. */
export const GridAreaInput = z
  .object({
    polygon: z
      .array(z.tuple([z.number().min(3).max(54), z.number().min(73).max(136)]))
      .min(3, '至少需要 3 个点')
      .max(200, '最多 200 个点'),
  })
  .meta({ id: 'GridAreaInput' })
export const GridAreaView = z
  .object({ regionId: z.number().int(), polygon: z.array(z.tuple([z.number(), z.number()])), datum: z.literal('gcj02') })
  .meta({ id: 'GridArea' })
export const GridRegionParam = z.object({ regionId: z.coerce.number().int().positive('编号有误') })
