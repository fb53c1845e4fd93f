import QRCode from 'qrcode'
import type { RedemptionView, RewardView } from '@anju/shared'
import type { Queryable } from '../db/knex'
import type { RedemptionRow } from '../repositories/redemptions'
import type { RegionRow } from '../repositories/regions'
import type { RewardRow } from '../repositories/rewards'
import { usersRepo } from '../repositories/users'
import type { PhotoUrlFor } from '../lib/photoLinks'
import { isoTime } from './index'

const regionRef = (r: RegionRow) => ({ id: r.id, name: r.name, level: r.level })

export interface RewardViewer {
  /** Why it cannot be redeemed now, or null. */
  unavailableReason: string | null
  /** How many the viewing resident holds (reserved or picked up); null for staff views. */
  redeemedByMe: number | null
  /** Days a redemption waits for pickup (REDEMPTION_PICKUP_DAYS). */
  pickupDays: number
  /** Signed links to pictures for this viewer. */
  photoUrl: PhotoUrlFor
}

/** A reward; `pickupRegions` are where it is handed over (its own region when none are set). */
export function presentReward(
  row: RewardRow, region: RegionRow, pickupRegions: RegionRow[], { unavailableReason, redeemedByMe, pickupDays, photoUrl }: RewardViewer,
): RewardView {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    imageUploadId: row.image_upload_id,
    imageUrl: row.image_upload_id ? photoUrl(row.image_upload_id) : '',
    pointsCost: row.points_cost,
    stockTotal: row.stock_total,
    stockRemaining: row.stock_remaining,
    perResidentLimit: row.per_resident_limit,
    validFrom: isoTime(row.valid_from),
    validUntil: isoTime(row.valid_until),
    pickupPlace: row.pickup_place,
    pickupInstructions: row.pickup_instructions,
    pickupDays,
    pickupRegions: (pickupRegions.length ? pickupRegions : [region]).map(regionRef),
    region: regionRef(region),
    status: row.status,
    unavailableReason,
    redeemedByMe,
  }
}

export interface RedemptionViewer {
  /** The owner sees the QR code and may cancel; staff see who redeemed and may fulfil. */
  as: 'owner' | 'staff'
  now: Date
  /**
   * Draw the code's QR image (the owner's view of one open redemption). Lists, and the answer to redeeming, carry
   * the code alone: drawing a PNG costs more than the rest of the request, and the app opens the one view next.
   */
  drawQr?: boolean
}

/** The pickup code drawn as a QR code, as a PNG data URL. */
export function qrDataUrlOf(code: string): Promise<string> {
  return QRCode.toDataURL(code, { errorCorrectionLevel: 'M', margin: 1, width: 280 })
}

export async function presentRedemption(db: Queryable, row: RedemptionRow, reward: RewardRow, viewer: RedemptionViewer): Promise<RedemptionView> {
  const open = row.status === 'reserved' && new Date(row.expires_at) > viewer.now
  const resident = viewer.as === 'staff' ? await usersRepo.findById(db, row.user_id) : undefined
  return {
    id: row.id,
    code: row.code,
    status: row.status,
    points: row.points,
    reward: { id: reward.id, title: reward.title, pickupPlace: reward.pickup_place, pickupInstructions: reward.pickup_instructions },
    resident: resident ? { id: resident.id, displayName: resident.display_name } : null,
    expiresAt: isoTime(row.expires_at),
    createdAt: isoTime(row.created_at),
    closedAt: row.closed_at === null ? null : isoTime(row.closed_at),
    qrDataUrl: viewer.as === 'owner' && open && viewer.drawQr ? await qrDataUrlOf(row.code) : null,
    actions: open ? [viewer.as === 'owner' ? 'cancel' : 'fulfil'] : [],
  }
}
