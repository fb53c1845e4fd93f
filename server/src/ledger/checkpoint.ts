import { appendFile, mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Queryable } from '../db/knex'
import { hmacSha256 } from './hash'

/** One slot as a checkpoint saw it: its chain head (sequence and hash) and its balance. */
export interface CheckpointSlot {
  accountKey: string
  slot: number
  seq: number
  hash: string
  balance: number
}

/**
 * Every slot's chain head at one moment, signed with the chain key. Appended one JSON line at a time to
 * LEDGER_CHECKPOINT_FILE; copied off the database host, it pins the ledger's history: a writer who rolls a
 * slot back, drops its last postings or rewrites a row before the checkpoint is seen by `ledger:verify`.
 */
export interface Checkpoint {
  version: 1
  at: string
  slots: CheckpointSlot[]
}

interface SignedCheckpoint extends Checkpoint {
  mac: string
}

/** The signed text: a fixed prefix keeps a checkpoint's MAC from ever equalling a chain hash. */
function macOf(c: Checkpoint): string {
  const slots = c.slots.map((s) => ({ accountKey: s.accountKey, balance: s.balance, hash: s.hash, seq: s.seq, slot: s.slot }))
  return hmacSha256(`anju-ledger-checkpoint\n${JSON.stringify({ at: c.at, slots, version: c.version })}`)
}

export const slotName = (s: { accountKey: string; slot: number }) => `${s.accountKey}#${s.slot}`

/**
 * Reads every slot's head in one statement (one consistent read), so the checkpoint is a state the ledger was
 * in. Slots are listed in key order.
 */
export async function takeCheckpoint(db: Queryable, now = new Date()): Promise<Checkpoint> {
  const rows = await db('ledger_accounts')
    .orderBy([{ column: 'account_key' }, { column: 'slot' }])
    .select('account_key', 'slot', 'head_seq', 'head_hash', 'balance')
  return {
    version: 1,
    at: now.toISOString(),
    slots: rows.map((r) => ({ accountKey: r.account_key, slot: Number(r.slot), seq: Number(r.head_seq), hash: r.head_hash, balance: Number(r.balance) })),
  }
}

export async function appendCheckpoint(file: string, checkpoint: Checkpoint): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const signed: SignedCheckpoint = { ...checkpoint, mac: macOf(checkpoint) }
  await appendFile(file, `${JSON.stringify(signed)}\n`)
}

export interface CheckpointFile {
  /** The last line whose signature is right, or null when there is none (or no file). */
  latest: Checkpoint | null
  /** Lines that are not a checkpoint signed with the key, by line number: a forged or damaged entry. */
  invalidLines: number[]
}

export async function readCheckpoints(file: string): Promise<CheckpointFile> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { latest: null, invalidLines: [] }
    throw err
  }
  let latest: Checkpoint | null = null
  const invalidLines: number[] = []
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return
    const parsed = parseSigned(line)
    if (parsed) latest = parsed
    else invalidLines.push(i + 1)
  })
  return { latest, invalidLines }
}

function parseSigned(line: string): Checkpoint | null {
  let json: SignedCheckpoint
  try {
    json = JSON.parse(line)
  } catch {
    return null
  }
  if (json?.version !== 1 || typeof json.at !== 'string' || !Array.isArray(json.slots) || typeof json.mac !== 'string') return null
  const checkpoint: Checkpoint = { version: 1, at: json.at, slots: json.slots }
  try {
    return macOf(checkpoint) === json.mac ? checkpoint : null
  } catch {
    return null
  }
}
