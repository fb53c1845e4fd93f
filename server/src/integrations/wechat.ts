import { z } from 'zod'
import { errors } from '../errors'

const ERRCODE_INVALID_CODE = 40029
const ERRCODE_CODE_USED = 40163
const ERRCODE_RATE_LIMITED = 45011
const ERRCODE_RISKY_USER = 40226
const ERRCODE_TOKEN_INVALID = 40001
const ERRCODE_TOKEN_EXPIRED = 42001
const ERRCODE_REFUSED = 43101
const PERMANENT_SEND_ERRORS = new Set([40003, 40037, 41030, 47003])
/** Refresh a cached access token this long before WeChat says it expires. */
const TOKEN_EARLY_REFRESH_MS = 5 * 60 * 1000

const StableTokenAnswer = z.union([
  z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() }),
  z.object({ errcode: z.number(), errmsg: z.string().optional() }),
])
const ErrcodeAnswer = z.object({ errcode: z.number().default(0), errmsg: z.string().optional() })

const Code2SessionAnswer = z.union([
  z.object({ openid: z.string().min(1), session_key: z.string().min(1), unionid: z.string().optional() }),
  z.object({ errcode: z.number(), errmsg: z.string().optional() }),
])

export interface WechatSession {
  openid: string
  sessionKey: string
  unionid?: string
}

/** A subscribe message as /cgi-bin/message/subscribe/send takes it. */
export interface SubscribeMessage {
  touser: string
  templateId: string
  /** A page of this mini program, with its query: packages/report/pages/detail/index?id=17 */
  page: string | null
  data: Record<string, string>
  miniprogramState: 'formal' | 'trial' | 'developer'
}

/**
 * How a send went. `refused`: the user has no grant left for the template (43101). `permanent`: retrying will not
 * help (bad openid 40003, template data 47003, unknown template 40037, bad page 41030). Anything else (45009 over
 * quota, -1 busy, network) may be retried after a pause.
 */
export type SubscribeSendResult =
  | { ok: true }
  | { ok: false; errcode: number; error: string; refused: boolean; permanent: boolean }

export interface WechatClient {
  code2Session(code: string): Promise<WechatSession>
  sendSubscribeMessage(message: SubscribeMessage): Promise<SubscribeSendResult>
}

export interface WechatClientOptions {
  appId: string
  secret: string
  apiBase: string
  timeoutMs?: number
  fetch?: typeof fetch
}

/**
 * Client for WeChat's server-side API. WeChat answers errors with HTTP 200 and a non-zero errcode. The access
 * token (stable_token) is cached until shortly before it expires, shared by concurrent callers, and refreshed
 * once when WeChat calls it invalid or expired (40001 / 42001).
 */
export function createWechatClient(options: WechatClientOptions & { now?: () => number }): WechatClient {
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 5000
  const clock = options.now ?? Date.now
  let token: { value: string; refreshAt: number } | null = null
  let fetchingToken: Promise<string> | null = null

  class WechatCallError extends Error {
    constructor(readonly errcode: number, message: string) {
      super(message)
    }
  }

  async function postJson(path: string, query: Record<string, string>, body: unknown): Promise<unknown> {
    const qs = Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''
    let res: Response
    try {
      res = await doFetch(`${options.apiBase}${path}${qs}`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (err) {
      throw new WechatCallError(-1, (err as Error).name === 'TimeoutError' ? 'timeout' : `network: ${(err as Error).message}`)
    }
    if (!res.ok) throw new WechatCallError(-1, `HTTP ${res.status}`)
    try {
      return await res.json()
    } catch {
      throw new WechatCallError(-1, 'answer is not JSON')
    }
  }

  async function fetchToken(forceRefresh: boolean): Promise<string> {
    if (!options.appId || !options.secret) throw new WechatCallError(-1, 'WECHAT_APPID / WECHAT_SECRET not configured')
    const answer = StableTokenAnswer.safeParse(
      await postJson('/cgi-bin/stable_token', {}, { grant_type: 'client_credential', appid: options.appId, secret: options.secret, force_refresh: forceRefresh }),
    )
    if (!answer.success) throw new WechatCallError(-1, 'unexpected stable_token answer')
    if ('errcode' in answer.data) throw new WechatCallError(answer.data.errcode, `stable_token ${answer.data.errcode} ${answer.data.errmsg ?? ''}`.trim())
    token = { value: answer.data.access_token, refreshAt: clock() + answer.data.expires_in * 1000 - TOKEN_EARLY_REFRESH_MS }
    return token.value
  }

  /** The cached token, or a fresh one (forced when WeChat has just refused the one we had). */
  async function accessToken(forceRefresh = false): Promise<string> {
    if (!forceRefresh && token && clock() < token.refreshAt) return token.value
    fetchingToken ??= fetchToken(forceRefresh).finally(() => {
      fetchingToken = null
    })
    return fetchingToken
  }

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
    async sendSubscribeMessage(m) {
      const body = {
        touser: m.touser, template_id: m.templateId, ...(m.page ? { page: m.page } : {}),
        data: Object.fromEntries(Object.entries(m.data).map(([key, value]) => [key, { value }])),
        miniprogram_state: m.miniprogramState, lang: 'zh_CN',
      }
      try {
        let stale: string | null = null
        for (let refreshed = false; ; refreshed = true) {
          // After a refusal, a fresh token unless a concurrent caller already replaced the one refused.
          const used = await accessToken(stale !== null && token?.value === stale)
          const answer = ErrcodeAnswer.safeParse(await postJson('/cgi-bin/message/subscribe/send', { access_token: used }, body))
          if (!answer.success) return { ok: false, errcode: -1, error: 'unexpected answer', refused: false, permanent: false }
          const { errcode, errmsg } = answer.data
          if (errcode === 0) return { ok: true }
          if ((errcode === ERRCODE_TOKEN_INVALID || errcode === ERRCODE_TOKEN_EXPIRED) && !refreshed) {
            stale = used
            continue
          }
          return {
            ok: false, errcode, error: `${errcode} ${errmsg ?? ''}`.trim(), refused: errcode === ERRCODE_REFUSED,
            permanent: PERMANENT_SEND_ERRORS.has(errcode),
          }
        }
      } catch (err) {
        const e = err as WechatCallError
        return { ok: false, errcode: e.errcode ?? -1, error: e.message, refused: false, permanent: false }
      }
    },

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

/**
 * Fits a value to what a template field of this type accepts (WeChat refuses the whole message with 47003
 * otherwise): thing ≤ 20 characters, phrase ≤ 5 Chinese characters, character_string ≤ 32 printable ASCII,
 * number digits, name ≤ 10 characters, car_number ≤ 8. An empty value is refused too, so it becomes "—" or "无".
 */
export function fitTemplateValue(key: string, text: string): string {
  const type = key.replace(/\d+$/, '')
  const chars = (s: string, n: number) => {
    const all = Array.from(s.trim())
    return all.length <= n ? all.join('') : `${all.slice(0, n - 1).join('')}…`
  }
  switch (type) {
    case 'thing':
      return chars(text, 20) || '—'
    case 'phrase':
      return Array.from(text.replace(/[^\u4e00-\u9fff]/g, '')).slice(0, 5).join('') || '无'
    case 'character_string':
      return text.replace(/[^\x21-\x7e]/g, '').slice(0, 32) || '-'
    case 'number':
      return text.replace(/[^\d.]/g, '').slice(0, 32) || '0'
    case 'letter':
      return text.replace(/[^A-Za-z]/g, '').slice(0, 32) || 'A'
    case 'name':
      return chars(text, 10) || '—'
    case 'car_number':
      return Array.from(text.replace(/\s/g, '')).slice(0, 8).join('') || '—'
    default:
      return chars(text, 20) || '—'
  }
}

/** "2026年11月26日 15:01", China time: the format time and date fields take. */
export function templateTime(at: Date): string {
  const local = new Date(at.getTime() + 8 * 60 * 60 * 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${local.getUTCFullYear()}年${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`
}
