import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * What a checkpoint's printed QR code holds: "AJP1.<checkpoint id>.<token version>.<signature>". The signature
 * is an HMAC over the checkpoint id, the version and the checkpoint's own salt with the server's
 * PATROL_TOKEN_SECRET, so nobody can make a code for a checkpoint or a version the server did not issue.
 * Rotating bumps the version and the salt: every earlier printout stops passing.
 */
const PREFIX = 'AJP1'
const SIGNATURE_BYTES = 16

export interface CheckpointTokenSubject {
  checkpointId: number
  tokenVersion: number
  tokenSalt: string
}

function signature(secret: string, s: CheckpointTokenSubject): string {
  return createHmac('sha256', secret)
    .update(`anju-patrol-checkpoint:${s.checkpointId}:${s.tokenVersion}:${s.tokenSalt}`)
    .digest()
    .subarray(0, SIGNATURE_BYTES)
    .toString('base64url')
}

export function checkpointToken(secret: string, s: CheckpointTokenSubject): string {
  return `${PREFIX}.${s.checkpointId}.${s.tokenVersion}.${signature(secret, s)}`
}

/** The checkpoint and version a code names, read without trusting it yet; null when it is not our format. */
export function parseCheckpointToken(code: string): { checkpointId: number; tokenVersion: number; signature: string } | null {
  const match = /^AJP1\.(\d{1,10})\.(\d{1,6})\.([A-Za-z0-9_-]{22})$/.exec(code.trim())
  if (!match) return null
  return { checkpointId: Number(match[1]), tokenVersion: Number(match[2]), signature: match[3]! }
}

/** True when `code` was issued for this checkpoint at this version and salt. */
export function verifyCheckpointToken(secret: string, code: string, s: CheckpointTokenSubject): boolean {
  const parsed = parseCheckpointToken(code)
  if (!parsed || parsed.checkpointId !== s.checkpointId || parsed.tokenVersion !== s.tokenVersion) return false
  const expected = Buffer.from(signature(secret, s))
  const given = Buffer.from(parsed.signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
