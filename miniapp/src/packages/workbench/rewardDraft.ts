import { RewardInput, type RewardView } from '@anju/shared'
import { formatDate } from '../../utils/format'

/** A reward's picture in the form: what to show, and its upload's id once the server has it (null while it uploads). */
export interface DraftImage {
  src: string
  uploadId: string | null
}

/** The form as typed: numbers stay text until checked, dates are the pickers' 'YYYY-MM-DD'. */
export interface Draft {
  title: string
  description: string
  image: DraftImage | null
  pointsCost: string
  stock: string
  perResidentLimit: string
  validFrom: string
  validUntil: string
  regionId: number | null
  pickupPlace: string
  pickupInstructions: string
}

const NUMBER_LABELS = { pointsCost: '所需积分', stock: '库存', perResidentLimit: '每人限兑数量' } as const
type NumberField = keyof typeof NUMBER_LABELS

/** The order of the fields on screen: the first problem reported is the topmost one. */
const FIELD_ORDER: (keyof RewardInput)[] = [
  'title', 'description', 'imageUploadId', 'pointsCost', 'stock', 'perResidentLimit', 'validFrom', 'validUntil', 'regionId', 'pickupPlace',
  'pickupInstructions',
]

const NEW_REWARD_DAYS = 30

const pad = (n: number) => String(n).padStart(2, '0')
const dateOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`

/** A picked day at the given local time, as ISO: a window runs from the first day's 00:00 to the last day's 23:59:59. */
function dayAt(date: string, hours: number, minutes: number, seconds: number): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(y!, m! - 1, d!, hours, minutes, seconds).toISOString()
}

export function blankDraft(regionId: number | null): Draft {
  const today = new Date()
  return {
    title: '', description: '', image: null, pointsCost: '', stock: '', perResidentLimit: '1',
    validFrom: dateOf(today), validUntil: dateOf(new Date(today.getTime() + NEW_REWARD_DAYS * 24 * 60 * 60 * 1000)),
    regionId, pickupPlace: '', pickupInstructions: '',
  }
}

export function draftOf(reward: RewardView): Draft {
  return {
    title: reward.title, description: reward.description,
    image: reward.imageUploadId ? { src: reward.imageUrl, uploadId: reward.imageUploadId } : null,
    pointsCost: String(reward.pointsCost), stock: String(reward.stockTotal),
    perResidentLimit: String(reward.perResidentLimit), validFrom: formatDate(reward.validFrom), validUntil: formatDate(reward.validUntil),
    regionId: reward.region.id, pickupPlace: reward.pickupPlace, pickupInstructions: reward.pickupInstructions,
  }
}

/**
 * The draft as the API body, or the first problem in Chinese. The shared schema words most messages; blank or
 * non-integer numbers are worded here, since a bare NaN would only get zod's generic one.
 */
export function checked(draft: Draft, reward: RewardView | null): { body: RewardInput } | { error: string } {
  const issues: { field: string; message: string }[] = []
  const number = (field: NumberField) => {
    const text = draft[field].trim()
    if (!text) issues.push({ field, message: `请填写${NUMBER_LABELS[field]}` })
    else if (!/^-?\d+$/.test(text)) issues.push({ field, message: `${NUMBER_LABELS[field]}须为整数` })
    return Number(text)
  }
  // An unchanged day keeps the exact time it was saved with, so saving other changes does not move the window.
  const unchanged = (day: string, iso: string | undefined) => iso !== undefined && formatDate(iso) === day
  const parsed = RewardInput.safeParse({
    regionId: draft.regionId ?? 0,
    title: draft.title,
    description: draft.description,
    imageUploadId: draft.image?.uploadId ?? null,
    pointsCost: number('pointsCost'),
    stock: number('stock'),
    perResidentLimit: number('perResidentLimit'),
    validFrom: unchanged(draft.validFrom, reward?.validFrom) ? reward!.validFrom : dayAt(draft.validFrom, 0, 0, 0),
    validUntil: unchanged(draft.validUntil, reward?.validUntil) ? reward!.validUntil : dayAt(draft.validUntil, 23, 59, 59),
    pickupPlace: draft.pickupPlace,
    pickupInstructions: draft.pickupInstructions,
  })
  if (draft.image && !draft.image.uploadId) issues.push({ field: 'imageUploadId', message: '图片上传中，请稍候' })
  if (!parsed.success) issues.push(...parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.message })))
  const taken = reward ? reward.stockTotal - reward.stockRemaining : 0
  if (parsed.success && parsed.data.stock < taken) issues.push({ field: 'stock', message: `库存不能少于已兑出的 ${taken} 件` })
  if (parsed.success && issues.length === 0) return { body: parsed.data }
  const rank = (field: string) => {
    const at = FIELD_ORDER.indexOf(field as keyof RewardInput)
    return at < 0 ? FIELD_ORDER.length : at
  }
  // Stable: for one field, the wording made here comes before zod's.
  issues.sort((a, b) => rank(a.field) - rank(b.field))
  return { error: issues[0]?.message ?? '请检查填写的内容' }
}
