import type { LocationFix } from '../../platform'

/** Fixes per uploaded batch: with a fix every ~10 s, a batch a minute. */
export const BATCH_POINTS = 6

/**
 * The shortest gap between two kept fixes. WeChat reports a position about once a second; one every ten
 * seconds or so judges a walk as well and keeps the track (and the phone's data) small. A little under ten
 * seconds, so a source that reports every ten seconds loses nothing to jitter.
 */
export const MIN_FIX_GAP_MS = 9_000

export interface TrackBatch {
  batchSeq: number
  points: { t: number; lat: number; lng: number; acc: number | null }[]
}

/** Where the queue keeps its state between page loads: the phone's storage in the app, a Map in tests. */
export interface TrackStorage {
  get(key: string): unknown
  set(key: string, value: unknown): void
  remove(key: string): void
}

/** Sends one batch; resolves once the server has stored it (or already had it). */
export type SendTrackBatch = (batch: TrackBatch) => Promise<void>

interface QueueState {
  nextSeq: number
  /** Time of the newest fix kept, sent or not: the server wants times in order. */
  lastT: number
  /** Fixes kept since the patrol started, sent or not. */
  kept: number
  buffer: TrackBatch['points']
  batches: TrackBatch[]
}

export const trackStorageKey = (patrolId: number) => `anju.patrol.track.${patrolId}`

/**
 * The track of a running patrol, kept on the phone until the server has it: fixes gather into numbered
 * batches saved in storage, and each batch is sent until it is acknowledged. The server keys batches by
 * number, so sending one again after a lost answer stores nothing twice.
 */
export class TrackQueue {
  private state: QueueState
  private sending: Promise<void> | null = null

  constructor(
    private readonly patrolId: number,
    lastAcceptedSeq: number,
    private readonly io: { storage: TrackStorage; send: SendTrackBatch },
  ) {
    const saved = io.storage.get(trackStorageKey(patrolId)) as Partial<QueueState> | '' | undefined
    this.state = { nextSeq: lastAcceptedSeq + 1, lastT: 0, kept: 0, buffer: [], batches: [], ...(saved || {}) }
    this.state.nextSeq = Math.max(this.state.nextSeq, lastAcceptedSeq + 1)
  }

  /** Fixes kept on the phone and not yet acknowledged. */
  get pending(): number {
    return this.state.buffer.length + this.state.batches.reduce((n, b) => n + b.points.length, 0)
  }

  /** Fixes kept since the patrol started. */
  get kept(): number {
    return this.state.kept
  }

  /** Keeps the fix unless it repeats or comes too soon after the last one kept; answers whether it was kept. */
  add(fix: LocationFix): boolean {
    // Phones repeat a fix, and the server judges times out of order.
    const t = Math.round(fix.t)
    if (this.state.lastT && t - this.state.lastT < MIN_FIX_GAP_MS) return false
    this.state.lastT = t
    this.state.kept++
    this.state.buffer.push({ t, lat: fix.lat, lng: fix.lng, acc: fix.accuracy })
    if (this.state.buffer.length >= BATCH_POINTS) this.seal()
    this.save()
    return true
  }

  /** Closes the buffer into a batch (before finishing, say). */
  seal() {
    if (!this.state.buffer.length) return
    this.state.batches.push({ batchSeq: this.state.nextSeq++, points: this.state.buffer })
    this.state.buffer = []
    this.save()
  }

  /**
   * Sends the sealed batches in order and resolves once none is left; rejects at the first failure, keeping
   * that batch and the rest for the next flush. A call while batches are being sent joins that run (nothing
   * is sent twice at once), and a batch sealed meanwhile is sent before the call resolves.
   */
  async flush(): Promise<void> {
    while (this.state.batches.length) {
      this.sending ??= this.sendSealed().finally(() => {
        this.sending = null
      })
      await this.sending
    }
  }

  /** Forgets the track once the patrol is judged. */
  clear() {
    this.io.storage.remove(trackStorageKey(this.patrolId))
  }

  private async sendSealed() {
    while (this.state.batches.length) {
      const batch = this.state.batches[0]!
      await this.io.send(batch)
      if (this.state.batches[0] === batch) this.state.batches.shift()
      this.save()
    }
  }

  private save() {
    this.io.storage.set(trackStorageKey(this.patrolId), this.state)
  }
}
