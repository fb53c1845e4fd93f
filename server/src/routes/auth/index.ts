import { api } from '@anju/shared'
import { refreshSession, signInStaff, signInWithDevHandle, signInWithWechat } from '../../commands/signIn'
import { errors } from '../../errors'
import { route, type AppRouter } from '../define'

export function authRoutes(router: AppRouter) {
  route(router, api.wechatLogin, async (ctx, { body, transact }) => {
    const { config, wechat } = ctx.services
    // Exchanged before the transaction: the code is single-use and the call leaves the process.
    const session = await wechat.code2Session(body.code)
    return transact((trx) => signInWithWechat({ trx, jwt: config.jwt, input: session }))
  })

  route(router, api.staffLogin, async (ctx, { body }) =>
    signInStaff({ db: ctx.services.db, jwt: ctx.services.config.jwt, input: body }),
  )

  route(router, api.devLogin, async (ctx, { body, transact }) => {
    if (!ctx.services.config.devLogin) throw errors.devLoginDisabled()
    return transact((trx) => signInWithDevHandle({ trx, jwt: ctx.services.config.jwt, input: body }))
  })

  route(router, api.refresh, async (ctx, { body }) =>
    refreshSession({ db: ctx.services.db, jwt: ctx.services.config.jwt, refreshToken: body.refreshToken }),
  )
}
