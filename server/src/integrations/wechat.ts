import { z } from 'zod'
import { errors } from '../errors'

const ERRCODE_INVALID_CODE = 40029
const ERRCODE_CODE_USED = 40163
const ERRCODE_RATE_LIMITED = 45011
const ERRCODE_RISKY_USER = 40226

const Code2SessionAnswer = z.union([
  z.object({ openid: z.string().min(1), session_key: z.string().min(1), unionid: z.string().optional() }),
  z.object({ errcode: z.number(), errmsg: z.string().optional() }),
])

export interface WechatSession {
  openid: string
  sessionKey: string
  unionid?: string
}

export interface WechatClient {
  code2Session(code: string): Promise<WechatSession>
}

export interface WechatClientOptions {
  appId: string
  secret: string
  apiBase: string
  timeoutMs?: number
  fetch?: typeof fetch
}

/** Client for WeChat's server-side API. WeChat answers errors with HTTP 200 and a non-zero errcode. */
export function createWechatClient(options: WechatClientOptions): WechatClient {
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 5000

  async function getJson(path: string, query: Record<string, string>): Promise<unknown> {
    const url = `${options.apiBase}${path}?${new URLSearchParams(query)}`
    let res: Response
    try {
      res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    } catch {
      throw errors.wechatUnavailable()
    }
    if (!res.ok) throw errors.wechatUnavailable()
    try {
      return await res.json()
    } catch {
      throw errors.wechatUnavailable()
    }
  }

  return {
    async code2Session(code) {
      if (!options.appId || !options.secret) throw errors.wechatUnavailable()
      const answer = Code2SessionAnswer.safeParse(
        await getJson('/sns/jscode2session', {
          appid: options.appId,
          secret: options.secret,
          js_code: code,
          grant_type: 'authorization_code',
        }),
      )
      if (!answer.success) throw errors.wechatUnavailable()
      const data = answer.data
      if ('errcode' in data) {
        if (data.errcode === 0) throw errors.wechatUnavailable()
        if (data.errcode === ERRCODE_INVALID_CODE || data.errcode === ERRCODE_CODE_USED) throw errors.wechatCodeInvalid()
        if (data.errcode === ERRCODE_RATE_LIMITED) throw errors.wechatRateLimited()
        if (data.errcode === ERRCODE_RISKY_USER) throw errors.wechatRiskyUser()
        throw errors.wechatUnavailable()
      }
      return { openid: data.openid, sessionKey: data.session_key, unionid: data.unionid }
    },
  }
}
