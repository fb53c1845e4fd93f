import jwt from 'jsonwebtoken'
import { z } from 'zod'
import type { Config } from '../config'
import { errors } from '../errors'

const ALGORITHM = 'HS256' as const
const ISSUER = 'anju'

const Claims = z.object({
  sub: z.string(),
  typ: z.enum(['access', 'refresh']),
  ver: z.number().int(),
})
export type TokenClaims = { userId: number; type: 'access' | 'refresh'; version: number }

export interface TokenPair {
  accessToken: string
  refreshToken: string
  expiresIn: number
}

export function issueTokens(config: Config['jwt'], user: { id: number; token_version: number }): TokenPair {
  const sign = (typ: 'access' | 'refresh', expiresIn: number) =>
    jwt.sign({ typ, ver: user.token_version }, config.secret, {
      algorithm: ALGORITHM,
      expiresIn,
      issuer: ISSUER,
      subject: String(user.id),
    })
  return {
    accessToken: sign('access', config.accessTtlSeconds),
    refreshToken: sign('refresh', config.refreshTtlSeconds),
    expiresIn: config.accessTtlSeconds,
  }
}

/** Verifies signature, algorithm, issuer, expiry and type; throws TOKEN_EXPIRED or TOKEN_INVALID. */
export function verifyToken(config: Config['jwt'], token: string, type: 'access' | 'refresh'): TokenClaims {
  let payload: unknown
  try {
    payload = jwt.verify(token, config.secret, { algorithms: [ALGORITHM], issuer: ISSUER })
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) throw errors.tokenExpired()
    throw errors.tokenInvalid()
  }
  const claims = Claims.safeParse(payload)
  if (!claims.success || claims.data.typ !== type || !/^\d+$/.test(claims.data.sub)) throw errors.tokenInvalid()
  return { userId: Number(claims.data.sub), type, version: claims.data.ver }
}
