import { createHash } from 'node:crypto'
import { api } from '@anju/shared'
import { RefreshTokenReused, endSession, logOut, rotateRefreshToken } from '../../commands/sessions'
import { signInStaff, signInWithDevHandle, signInWithWechat } from '../../commands/signIn'
import { withTransaction } from '../../db/transaction'
import { errors } from '../../errors'
import { passwordCheckFor } from '../accounts'
import { route, type AppRouter } from '../define'

export function authRoutes(router: AppRouter) {
  route(router, api.wechatLogin, async (ctx, { body, transact }) => {
    const { config, wechat } = ctx.services
    // Exchanged before the transaction: the code is single-use and the call leaves the process.
    const session = await wechat.code2Session(body.code)
    return transact((trx) => signInWithWechat({ trx, jwt: config.jwt, input: session }))
  })

  route(router, api.staffLogin, async (ctx, { body }) =>
    signInStaff({ ...passwordCheckFor(ctx), jwt: ctx.services.config.jwt, input: body }),
  )

  route(router, api.devLogin, async (ctx, { body, transact }) => {
    if (!ctx.services.config.devLogin) throw errors.devLoginDisabled()
    return transact((trx) => signInWithDevHandle({ trx, jwt: ctx.services.config.jwt, input: body }))
  })

  route(router, api.refresh, async (ctx, { body, transact }) => {
    const { db, config } = ctx.services
    try {
      const key = ctx.get('Idempotency-Key')
      const retryKey = key ? createHash('sha256').update(key).digest('hex') : null
      return await transact((trx) => rotateRefreshToken({ trx, jwt: config.jwt, refreshToken: body.refreshToken, retryKey }))
    } catch (err) {
      if (!(err instanceof RefreshTokenReused)) throw err
      // A spent refresh token came back: someone holds a copy. End the session for both.
      await withTransaction(db, (trx) => endSession(trx, err.sessionId, 'reuse'))
      ctx.state.log.warn({ sessionId: err.sessionId }, 'refresh token reused: session revoked')
      throw errors.tokenInvalid()
    }
  })

  route(router, api.logout, async (ctx, { body }) =>
    logOut({ db: ctx.services.db, jwt: ctx.services.config.jwt, refreshToken: body.refreshToken }),
  )
}
