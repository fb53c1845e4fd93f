import type { OutboxDestination } from '@anju/shared'
import type { Services } from '../../context'
import type { OutboxRow } from '../../repositories/outbox'
import { gridPlatformDestination } from './gridPlatform'
import { inboxDestination } from './inbox'
import { wechatDestination } from './wechat'

export type DeliveryServices = Pick<Services, 'db' | 'config' | 'logger' | 'wechat'> & { fetch?: typeof fetch }

/** What one attempt came to. */
export type Outcome =
  | { kind: 'delivered' }
  /** Nothing to send (no grant, the user refused): the message is done and its stream goes on. */
  | { kind: 'skipped'; reason: string }
  /** Worth another try after a pause; a dead letter after the last attempt. */
  | { kind: 'retry'; error: string }
  /** Will not succeed as it is: a dead letter at once, holding its stream until an admin replays it. */
  | { kind: 'dead'; error: string }

/**
 * Where outbox messages go. A new destination (SMS, webhooks) is a module like these, listed below, plus the
 * code that appends its messages in the transaction that causes them.
 */
export interface Destination {
  name: OutboxDestination
  /** Attempts before a dead letter, the back-off base, and the longest one attempt may take (the lease outlasts it). */
  policy(config: Services['config']): { maxAttempts: number; backoffMs: number; timeoutMs: number }
  deliver(services: DeliveryServices, message: OutboxRow): Promise<Outcome>
}

export const destinations: Record<OutboxDestination, Destination> = {
  grid_platform: gridPlatformDestination,
  wechat: wechatDestination,
  inbox: inboxDestination,
}
