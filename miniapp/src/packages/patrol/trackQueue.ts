import Taro from '@tarojs/taro'
import { api } from '@anju/shared'
import { call } from '../../api'
import type { LocationFix } from '../../platform'

/** Fixes per uploaded batch: with a fix every ~10 s, a batch a minute. */
export const BATCH_POINTS = 6

interface Batch {
  batchSeq: number
  points: { t: number; lat: number; lng: number; acc: number | null }[]
}

interface QueueState {
  nextSeq: number
  /** Time of the newest fix kept, sent or not: the server wants times in order. */
  lastT: number
  buffer: Batch['points']
  batches: Batch[]
}

const storageKey = (patrolId: number) => `anju.patrol.track.${patrolId}`

/**
 * The track of a running patrol, kept on the phone until the server has it: fixes gather into numbered
 * batches saved in storage, and each batch is sent until it is acknowledged. The server keys batches by
 * number, so sending one again after a lost answer stores nothing twice.
 */
export class TrackQueue {
  private state: QueueState
  private flushing: Promise<void> | null = null

  constructor(private readonly patrolId: number, lastAcceptedSeq = 0) {
    const saved = Taro.getStorageSync(storageKey(patrolId)) as QueueState | ''
    this.state = saved || { nextSeq: lastAcceptedSeq + 1, lastT: 0, buffer: [], batches: [] }
    this.state.nextSeq = Math.max(this.state.nextSeq, lastAcceptedSeq + 1)
  }

  get pending(): number {
    return this.state.buffer.length + this.state.batches.reduce((n, b) => n + b.points.length, 0)
  }

  add(fix: LocationFix) {
    // Phones repeat a fix, and the server judges times out of order.
    const t = Math.round(fix.t)
    if (t <= (this.state.lastT ?? 0)) return
    this.state.lastT = t
    this.state.buffer.push({ t, lat: fix.lat, lng: fix.lng, acc: fix.accuracy })
    if (this.state.buffer.length >= BATCH_POINTS) this.seal()
    this.save()
  }

  /** Closes the buffer into a batch (before finishing, say). */
  seal() {
    if (!this.state.buffer.length) return
    this.state.batches.push({ batchSeq: this.state.nextSeq++, points: this.state.buffer })
    this.state.buffer = []
    this.save()
  }

  /** Sends the waiting batches in order; stops at the first failure and keeps the rest for next time. */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      try {
        while (this.state.batches.length) {
          const batch = this.state.batches[0]!
          await call(api.uploadPatrolTrack, {
            params: { id: this.patrolId }, body: batch, idempotencyKey: `patrol-${this.patrolId}-track-${batch.batchSeq}`,
          })
          this.state.batches.shift()
          this.save()
        }
      } finally {
        this.flushing = null
      }
    })()
    return this.flushing
  }

  /** Forgets the track once the patrol is judged. */
  clear() {
    Taro.removeStorageSync(storageKey(this.patrolId))
  }

  private save() {
    Taro.setStorageSync(storageKey(this.patrolId), this.state)
  }
}
