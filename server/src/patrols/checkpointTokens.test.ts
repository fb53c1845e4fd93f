import { describe, expect, it } from 'vitest'
import {
  checkpointShortCode, checkpointToken, formatShortCode, matchShortCode, normaliseShortCode, parseCheckpointToken, verifyCheckpointToken,
} from './checkpointTokens'

const secret = 'test-secret-test-secret-test-secret'
const subject = { checkpointId: 42, tokenVersion: 3, tokenSalt: 'salt-one' }

describe('checkpoint tokens', () => {
  it('signs the checkpoint id and version, and verifies its own codes', () => {
    const code = checkpointToken(secret, subject)
    expect(code).toMatch(/^AJP1\.42\.3\.[A-Za-z0-9_-]{22}$/)
    expect(parseCheckpointToken(code)).toMatchObject({ checkpointId: 42, tokenVersion: 3 })
    expect(verifyCheckpointToken(secret, code, subject)).toBe(true)
    expect(verifyCheckpointToken(secret, ` ${code}\n`, subject)).toBe(true)
  })

  it('refuses a code for another checkpoint, an old version, another salt or another key', () => {
    const code = checkpointToken(secret, subject)
    expect(verifyCheckpointToken(secret, code, { ...subject, checkpointId: 43 })).toBe(false)
    expect(verifyCheckpointToken(secret, code, { ...subject, tokenVersion: 4 })).toBe(false)
    expect(verifyCheckpointToken(secret, code, { ...subject, tokenSalt: 'salt-two' })).toBe(false)
    expect(verifyCheckpointToken('another-secret-another-secret-000', code, subject)).toBe(false)
  })

  it('refuses edited and malformed codes', () => {
    const code = checkpointToken(secret, subject)
    const renamed = code.replace('AJP1.42.', 'AJP1.43.')
    expect(verifyCheckpointToken(secret, renamed, { ...subject, checkpointId: 43 })).toBe(false)
    const flipped = code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A')
    expect(verifyCheckpointToken(secret, flipped, subject)).toBe(false)
    for (const bad of ['', 'hello', 'AJP1.42.3', 'AJP1.x.3.abc', `${code}x`, 'https://example.com/AJP1.42.3.aaaaaaaaaaaaaaaaaaaaaa']) {
      expect(parseCheckpointToken(bad)).toBeNull()
      expect(verifyCheckpointToken(secret, bad, subject)).toBe(false)
    }
  })

  it('gives each checkpoint and version a signed 8-character short code from an unambiguous alphabet', () => {
    const code = checkpointShortCode(secret, subject)
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/)
    expect(checkpointShortCode(secret, subject)).toBe(code)
    const others = [
      checkpointShortCode(secret, { ...subject, checkpointId: 43 }),
      checkpointShortCode(secret, { ...subject, tokenVersion: 4 }),
      checkpointShortCode(secret, { ...subject, tokenSalt: 'salt-two' }),
      checkpointShortCode('another-secret-another-secret-000', subject),
    ]
    expect(new Set([code, ...others]).size).toBe(5)
    expect(formatShortCode(code)).toBe(`${code.slice(0, 4)}-${code.slice(4)}`)
  })

  it('reads a typed short code in any case, with spaces, hyphens, full-width characters and O/I/L for 0/1', () => {
    expect(normaliseShortCode('K7QM-3XPD')).toBe('K7QM3XPD')
    expect(normaliseShortCode(' k7qm 3xpd ')).toBe('K7QM3XPD')
    expect(normaliseShortCode('k7-qm-3x-pd')).toBe('K7QM3XPD')
    expect(normaliseShortCode('Ｋ７ＱＭ－３ＸＰＤ')).toBe('K7QM3XPD')
    expect(normaliseShortCode('K7QM—3XPD')).toBe('K7QM3XPD')
    expect(normaliseShortCode('oI1L-2345')).toBe('01112345')
    for (const bad of ['', 'K7QM-3XP', 'K7QM-3XPDA', 'K7QM-3XPU', 'K7QM/3XPD', 'AJP1.42.3.aaaaaaaaaaaaaaaaaaaaaa']) {
      expect(normaliseShortCode(bad)).toBeNull()
    }
  })

  it('matches a typed short code to its checkpoint on the route, and nothing else', () => {
    const route = [subject, { checkpointId: 43, tokenVersion: 1, tokenSalt: 'salt-43' }, { checkpointId: 44, tokenVersion: 2, tokenSalt: 'salt-44' }]
    const typed = formatShortCode(checkpointShortCode(secret, route[1]!)).toLowerCase().replace('-', ' - ')
    expect(matchShortCode(secret, normaliseShortCode(typed)!, route)).toBe(route[1])
    // Retired by a rotation (new version and salt), or signed with another key: no match.
    const retired = checkpointShortCode(secret, { checkpointId: 43, tokenVersion: 0, tokenSalt: 'old-salt' })
    expect(matchShortCode(secret, retired, route)).toBeNull()
    expect(matchShortCode(secret, checkpointShortCode('another-secret-another-secret-000', route[1]!), route)).toBeNull()
  })
})
