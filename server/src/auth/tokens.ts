import { createSecretKey, type KeyObject } from 'node:crypto'
import jwt from 'jsonwebtoken'
import { z } from 'zod'
import type { Config } from '../config'
import { errors } from '../errors'

const ALGORITHM = 'HS256' as const
const ISSUER = 'anju'

const Claims = z.object({
  sub: z.string().regex(/^\d+$/),
  typ: z.enum(['access', 'refresh']),
  ver: z.number().int(),
  /** The session (one login) the token belongs to. */
  sid: z.string().min(1),
  /** A refresh token's own id: each one is good for a single refresh. */
  jti: z.string().min(1).optional(),
})
export interface TokenClaims {
  userId: number
  type: 'access' | 'refresh'
  version: number
  sessionId: string
  /** Set on refresh tokens. */
  tokenId?: string
}

export interface TokenPair {
  accessToken: string
  refreshToken: string
  expiresIn: number
}

const keys = new WeakMap<Config['jwt'], { secret: string; key: KeyObject }>()

/**
 * The HMAC key for `config`'s secret, made once per config. jsonwebtoken given the secret as a string first
 * tries to read it as a public key on every call; a secret KeyObject goes straight to the HMAC.
 */
export function signingKey(config: Config['jwt']): KeyObject {
  const known = keys.get(config)
  if (known && known.secret === config.secret) return known.key
  const key = createSecretKey(Buffer.from(config.secret, 'utf8'))
  keys.set(config, { secret: config.secret, key })
  return key
}

/** Signs an access token and a refresh token for one session; `refreshTokenId` is the refresh token's row. */
export function issueTokens(
  config: Config['jwt'],
  user: { id: number; token_version: number },
  { sessionId, refreshTokenId }: { sessionId: string; refreshTokenId: string },
): TokenPair {
  const key = signingKey(config)
  const options = { algorithm: ALGORITHM, issuer: ISSUER, subject: String(user.id) }
  return {
    accessToken: jwt.sign({ typ: 'access', ver: user.token_version, sid: sessionId }, key, {
      ...options, expiresIn: config.accessTtlSeconds,
    }),
    refreshToken: jwt.sign({ typ: 'refresh', ver: user.token_version, sid: sessionId }, key, {
      ...options, expiresIn: config.refreshTtlSeconds, jwtid: refreshTokenId,
    }),
    expiresIn: config.accessTtlSeconds,
  }
}

/**
 * Verifies signature, algorithm, issuer, expiry and type; throws TOKEN_EXPIRED or TOKEN_INVALID. `allowExpired`
 * is for logging out, which should work with a token that has just run out.
 */
export function verifyToken(
  config: Config['jwt'],
  token: string,
  type: 'access' | 'refresh',
  { allowExpired = false }: { allowExpired?: boolean } = {},
): TokenClaims {
  let payload: unknown
  try {
    payload = jwt.verify(token, signingKey(config), { algorithms: [ALGORITHM], issuer: ISSUER, ignoreExpiration: allowExpired })
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) throw errors.tokenExpired()
    throw errors.tokenInvalid()
  }
  const claims = Claims.safeParse(payload)
  if (!claims.success || claims.data.typ !== type) throw errors.tokenInvalid()
  if (type === 'refresh' && !claims.data.jti) throw errors.tokenInvalid()
  return {
    userId: Number(claims.data.sub), type, version: claims.data.ver, sessionId: claims.data.sid, tokenId: claims.data.jti,
  }
}
