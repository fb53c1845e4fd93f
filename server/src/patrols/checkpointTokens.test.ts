import { describe, expect, it } from 'vitest'
import { checkpointToken, parseCheckpointToken, verifyCheckpointToken } from './checkpointTokens'

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
})
