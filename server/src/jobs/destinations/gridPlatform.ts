import { deliverToPlatform } from '../../integrations/gridPlatform'
import { gridPlatformsRepo } from '../../repositories/outbox'
import type { Destination } from './index'

/** External grid platforms: the signed JSON POST of one case event, with its idempotency key. */
export const gridPlatformDestination: Destination = {
  name: 'grid_platform',
  policy: ({ gridLoop }) => ({ maxAttempts: gridLoop.platformMaxAttempts, backoffMs: gridLoop.platformBackoffMs, timeoutMs: gridLoop.platformTimeoutMs }),
  async deliver({ db, config, fetch }, message) {
    const platform = message.platform_id ? await gridPlatformsRepo.findById(db, message.platform_id) : undefined
    if (!platform?.active) return { kind: 'dead', error: 'platform disabled' }
    const result = await deliverToPlatform(
      platform, { idempotencyKey: message.idempotency_key, payload: message.payload }, { timeoutMs: config.gridLoop.platformTimeoutMs, fetch },
    )
    if (result.ok) return { kind: 'delivered' }
    return result.permanent ? { kind: 'dead', error: result.error } : { kind: 'retry', error: result.error }
  },
}
