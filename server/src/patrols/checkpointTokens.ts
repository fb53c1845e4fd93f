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

/**
 * The short code printed under a checkpoint's QR code, for typing where nothing can scan (the h5 build, a
 * broken camera): 8 characters of Crockford's base-32 alphabet (digits and capitals without I, L, O and U, so
 * nothing reads as another character), the first 40 bits of an HMAC over the same subject as the QR code, so it
 * is signed with PATROL_TOKEN_SECRET and changes when the token rotates. It names no checkpoint: a typed code
 * is matched against the checkpoints of the patrol's own route.
 */
const SHORT_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const SHORT_CODE_LENGTH = 8

export function checkpointShortCode(secret: string, s: CheckpointTokenSubject): string {
  const bytes = createHmac('sha256', secret)
    .update(`anju-patrol-checkpoint-short:${s.checkpointId}:${s.tokenVersion}:${s.tokenSalt}`)
    .digest()
  // 40 bits, 5 at a time.
  const bits = bytes.readUIntBE(0, 5)
  let code = ''
  for (let i = SHORT_CODE_LENGTH - 1; i >= 0; i--) code += SHORT_CODE_ALPHABET[Math.floor(bits / 2 ** (5 * i)) % 32]
  return code
}

/** How the sheet prints a short code: two groups of four, easier to read out and to type. */
export function formatShortCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`
}

/**
 * A typed short code in its canonical form, or null when it cannot be one. Forgiving as Crockford intends:
 * any case, full-width characters from a Chinese keyboard, spaces, hyphens and dashes anywhere, O read as 0
 * and I or L as 1.
 */
export function normaliseShortCode(typed: string): string | null {
  const code = typed
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐‑‒–—―−_.·]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
  if (code.length !== SHORT_CODE_LENGTH || [...code].some((c) => !SHORT_CODE_ALPHABET.includes(c))) return null
  return code
}

/** The checkpoint among `subjects` whose current short code is `typed` (already normalised), if any. */
export function matchShortCode<S extends CheckpointTokenSubject>(secret: string, typed: string, subjects: S[]): S | null {
  const given = Buffer.from(typed)
  return subjects.find((s) => {
    const expected = Buffer.from(checkpointShortCode(secret, s))
    return expected.length === given.length && timingSafeEqual(expected, given)
  }) ?? null
}

/** True when `code` was issued for this checkpoint at this version and salt. */
export function verifyCheckpointToken(secret: string, code: string, s: CheckpointTokenSubject): boolean {
  const parsed = parseCheckpointToken(code)
  if (!parsed || parsed.checkpointId !== s.checkpointId || parsed.tokenVersion !== s.tokenVersion) return false
  const expected = Buffer.from(signature(secret, s))
  const given = Buffer.from(parsed.signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
