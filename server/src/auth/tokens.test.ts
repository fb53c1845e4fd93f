import jwt from 'jsonwebtoken'
import { describe, expect, it } from 'vitest'
import { issueTokens, signingKey, verifyToken } from './tokens'

const config = () => ({ secret: 'tokens-test-secret-0123456789abcdef', accessTtlSeconds: 600, refreshTtlSeconds: 3600 })

describe('tokens', () => {
  it('sign and verify with one secret KeyObject made once per config', () => {
    const jwtConfig = config()
    const key = signingKey(jwtConfig)
    expect(key.type).toBe('secret')
    expect(key.export().toString('utf8')).toBe(jwtConfig.secret)
    expect(signingKey(jwtConfig)).toBe(key)
    // A changed secret makes a new key; the old one is not kept.
    jwtConfig.secret = 'tokens-test-secret-rotated-0123456789'
    expect(signingKey(jwtConfig)).not.toBe(key)
    expect(signingKey(jwtConfig).export().toString('utf8')).toBe(jwtConfig.secret)
  })

  it('accepts tokens signed with the secret as a string and refuses another secret', () => {
    const jwtConfig = config()
    const byString = jwt.sign({ typ: 'access', ver: 2, sid: 's-1' }, jwtConfig.secret, { algorithm: 'HS256', issuer: 'anju', subject: '7', expiresIn: 60 })
    expect(verifyToken(jwtConfig, byString, 'access')).toMatchObject({ userId: 7, version: 2, sessionId: 's-1' })
    const { accessToken, refreshToken } = issueTokens(jwtConfig, { id: 9, token_version: 1 }, { sessionId: 's-2', refreshTokenId: 'r-2' })
    expect(jwt.verify(accessToken, jwtConfig.secret, { algorithms: ['HS256'] })).toMatchObject({ sub: '9', sid: 's-2' })
    expect(verifyToken(jwtConfig, refreshToken, 'refresh')).toMatchObject({ userId: 9, tokenId: 'r-2' })
    expect(() => verifyToken({ ...jwtConfig, secret: 'another-secret-0123456789abcdef' }, accessToken, 'access')).toThrow()
    expect(() => verifyToken(jwtConfig, accessToken, 'refresh')).toThrow()
  })
})
