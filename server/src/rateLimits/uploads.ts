import type { Config } from '../config'
import { errors } from '../errors'
import { tryConsume, type LimiterStore } from './limiters'

const HOUR_SECONDS = 60 * 60
const DAY_SECONDS = 24 * HOUR_SECONDS
const KIB = 1024

export interface UploadLimits {
  /** Counts an upload against the account's hourly limit before the file is read; throws RATE_LIMITED. */
  admit(userId: number): Promise<void>
  /** Charges the file's size to the account's daily quota before it is stored; throws UPLOAD_QUOTA_EXCEEDED. */
  charge(userId: number, bytes: number): Promise<void>
}

export function uploadLimits(store: LimiterStore, limits: Config['limits']['uploads']): UploadLimits {
  const perHour = store.limiter({ prefix: 'uploads', points: limits.perHour, durationSeconds: HOUR_SECONDS })
  const quota = store.limiter({ prefix: 'upload_kib', points: Math.ceil(limits.quotaBytesPerDay / KIB), durationSeconds: DAY_SECONDS })
  return {
    async admit(userId) {
      const answer = await tryConsume(perHour, String(userId))
      if (!answer.allowed) throw errors.rateLimited(answer.retryAfter)
    },
    async charge(userId, bytes) {
      const kib = Math.max(1, Math.ceil(bytes / KIB))
      const answer = await tryConsume(quota, String(userId), kib)
      if (answer.allowed) return
      // A refused file is not stored, so it does not count against the quota.
      await quota.reward(String(userId), kib).catch(() => undefined)
      throw errors.uploadQuotaExceeded(answer.retryAfter)
    },
  }
}
