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

/** Most characters a reason for moving may have. */
export const COMMUNITY_CHANGE_REASON_MAX = 200

export const SetCommunityInput = z
  .object({
    regionId: z.number().int().positive('请选择所在社区'),
    reason: z
      .string()
      .trim()
      .max(COMMUNITY_CHANGE_REASON_MAX, `原因不能超过 ${COMMUNITY_CHANGE_REASON_MAX} 字`)
      .optional()
      .describe('更换社区的原因（首次选择时可不填）'),
  })
  .meta({ id: 'SetCommunityInput' })

const RESIDENT_ID_DIGITS = 10
/** Names are matched by a part of at least this many characters, so a search never lists a whole community. */
export const RESIDENT_NAME_MIN_CHARS = 2

/**
 * What staff type to find a resident: digits are the resident's 编号 (exact), anything else a part of the
 * name. Full-width digits and spaces from Chinese input methods are read as their plain forms.
 */
export const ResidentSearchTerm = z
  .string({ error: '请输入居民编号或姓名' })
  .max(64, '输入的内容过长')
  .transform((raw, ctx): { id: number; name?: undefined } | { name: string; id?: undefined } => {
    const text = raw.normalize('NFKC').trim()
    const fail = (message: string) => {
      ctx.issues.push({ code: 'custom', message, input: raw })
      return z.NEVER
    }
    if (!text) return fail('请输入居民编号或姓名')
    if (/^\d+$/.test(text)) {
      const id = Number(text)
      return text.length > RESIDENT_ID_DIGITS || id === 0 ? fail('居民编号有误') : { id }
    }
    if (Array.from(text).length < RESIDENT_NAME_MIN_CHARS) return fail(`按姓名查找请至少输入 ${RESIDENT_NAME_MIN_CHARS} 个字`)
    return { name: text }
  })

export const ResidentSearchQuery = z.object({
  q: ResidentSearchTerm.describe('居民编号（精确），或姓名的一部分（至少 2 个字）'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})

export const ResidentIdParam = z.object({ id: z.coerce.number().int().positive('编号有误') })

/** A resident as staff see them when choosing whom an award is for: nothing beyond name, community and 编号. */
export const ResidentSummary = z
  .object({
    id: z.number().int(),
    displayName: z.string(),
    community: RegionRef,
  })
  .meta({ id: 'ResidentSummary' })
export type ResidentSummary = z.infer<typeof ResidentSummary>

export const ResidentSearchResult = z
  .object({
    items: z.array(ResidentSummary),
    more: z.boolean().describe('还有更多符合条件的居民未列出'),
  })
  .meta({ id: 'ResidentSearchResult' })
export type ResidentSearchResult = z.infer<typeof ResidentSearchResult>
