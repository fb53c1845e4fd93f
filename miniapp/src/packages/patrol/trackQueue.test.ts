import { describe, expect, it } from 'vitest'
import { BATCH_POINTS, MIN_FIX_GAP_MS, TrackQueue, trackStorageKey, type TrackBatch, type TrackStorage } from './trackQueue'

const PATROL = 7
const START = Date.UTC(2026, 10, 26, 1, 0, 0)

/** The phone's storage as the app uses it: values go in and come out as copies, as Taro's JSON storage does. */
function memoryStorage(): TrackStorage & { raw: Map<string, string> } {
  const raw = new Map<string, string>()
  return {
    raw,
    get: (key) => (raw.has(key) ? JSON.parse(raw.get(key)!) : ''),
    set: (key, value) => void raw.set(key, JSON.stringify(value)),
    remove: (key) => void raw.delete(key),
  }
}

/** A send whose answers the test gives one at a time, recording every batch sent. */
function controlledSend() {
  const sent: number[] = []
  const waiting: { batch: TrackBatch; resolve: () => void; reject: (err: Error) => void }[] = []
  return {
    sent,
    waiting,
    send: (batch: TrackBatch) =>
      new Promise<void>((resolve, reject) => {
        sent.push(batch.batchSeq)
        waiting.push({ batch, resolve, reject })
      }),
    /** Answers the oldest outstanding send and lets the queue move on. */
    async answer(outcome: 'ok' | Error = 'ok') {
      const next = waiting.shift()
      if (!next) throw new Error('nothing is being sent')
      if (outcome === 'ok') next.resolve()
      else next.reject(outcome)
      await settle()
    },
  }
}

/** Lets every queued promise reaction run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

let clock = START
/** `n` fixes ten seconds apart, walking north. */
function addFixes(queue: TrackQueue, n: number) {
  for (let i = 0; i < n; i++) {
    clock += 10_000
    queue.add({ t: clock, lat: 27.86 + (clock - START) / 1e9, lng: 112.94, accuracy: 8 })
  }
}

describe('TrackQueue', () => {
  it('sends a batch sealed after a flush that found the queue empty', async () => {
    const storage = memoryStorage()
    const sent: number[] = []
    const queue = new TrackQueue(PATROL, 0, { storage, send: async (b) => void sent.push(b.batchSeq) })

    // The page flushes every 30 s; the first time round nothing has been sealed yet.
    await queue.flush()
    addFixes(queue, BATCH_POINTS)
    await queue.flush()
    expect(sent).toEqual([1])

    // And again later: finishing seals the part-filled buffer and sends it.
    addFixes(queue, 2)
    queue.seal()
    await queue.flush()
    expect(sent).toEqual([1, 2])
    expect(queue.pending).toBe(0)
    expect(storage.get(trackStorageKey(PATROL))).toMatchObject({ batches: [], buffer: [], nextSeq: 3, kept: BATCH_POINTS + 2 })
  })

  it('sends each batch once, in order, when flushes overlap, and resolves every caller after the batches sealed before it', async () => {
    const storage = memoryStorage()
    const net = controlledSend()
    const queue = new TrackQueue(PATROL, 0, { storage, send: net.send })
    addFixes(queue, BATCH_POINTS * 2)

    const resolved: string[] = []
    const first = queue.flush().then(() => resolved.push('first'))
    const second = queue.flush().then(() => resolved.push('second'))
    await settle()
    expect(net.sent).toEqual([1])

    await net.answer()
    expect(net.sent).toEqual([1, 2])
    // Sealed while batch 2 is on its way: the flush that finishing makes must not resolve before it is sent.
    addFixes(queue, 1)
    queue.seal()
    const third = queue.flush().then(() => resolved.push('third'))
    await net.answer()
    expect(net.sent).toEqual([1, 2, 3])
    expect(resolved).toEqual([])
    await net.answer()
    await Promise.all([first, second, third])
    expect(resolved.sort()).toEqual(['first', 'second', 'third'])
    expect(net.sent).toEqual([1, 2, 3])
    expect(queue.pending).toBe(0)
  })

  it('keeps a batch whose send failed, in storage, and sends it with the rest on the next flush', async () => {
    const storage = memoryStorage()
    const net = controlledSend()
    const queue = new TrackQueue(PATROL, 0, { storage, send: net.send })
    addFixes(queue, BATCH_POINTS * 2)

    const failed = queue.flush()
    const outcome = failed.then(() => 'resolved', (err: Error) => err.message)
    await settle()
    await net.answer(new Error('network down'))
    expect(await outcome).toBe('network down')
    expect(net.sent).toEqual([1])
    expect(queue.pending).toBe(BATCH_POINTS * 2)

    // The page reloads meanwhile: the kept batches come back from storage.
    const reloaded = new TrackQueue(PATROL, 0, { storage, send: net.send })
    expect(reloaded.pending).toBe(BATCH_POINTS * 2)

    const retried = reloaded.flush()
    await settle()
    await net.answer()
    await net.answer()
    await retried
    expect(net.sent).toEqual([1, 1, 2])
    expect(reloaded.pending).toBe(0)
    expect(storage.get(trackStorageKey(PATROL))).toMatchObject({ batches: [] })
  })

  it('numbers batches after the last one the server acknowledged', async () => {
    const storage = memoryStorage()
    const sent: number[] = []
    const queue = new TrackQueue(PATROL, 4, { storage, send: async (b) => void sent.push(b.batchSeq) })
    addFixes(queue, BATCH_POINTS)
    await queue.flush()
    expect(sent).toEqual([5])
  })

  it('keeps about one fix in ten seconds from a phone that reports every second, and drops repeats', () => {
    const queue = new TrackQueue(PATROL, 0, { storage: memoryStorage(), send: async () => undefined })
    const t0 = START + 3_600_000
    let kept = 0
    for (let s = 0; s <= 60; s++) if (queue.add({ t: t0 + s * 1000, lat: 27.86, lng: 112.94 + s / 1e5, accuracy: 5 })) kept++
    // 0, 9, 18, ... 54 s.
    expect(kept).toBe(Math.floor(60_000 / MIN_FIX_GAP_MS) + 1)
    expect(queue.add({ t: t0 + 54_000, lat: 27.86, lng: 112.94, accuracy: 5 })).toBe(false)
    expect(queue.add({ t: t0 + 30_000, lat: 27.86, lng: 112.94, accuracy: 5 })).toBe(false)
    expect(queue.kept).toBe(kept)
  })
})
