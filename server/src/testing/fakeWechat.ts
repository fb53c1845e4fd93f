import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** A subscribe message as the fake received and accepted it. */
export interface SentSubscribeMessage {
  touser: string
  template_id: string
  page?: string
  data: Record<string, { value: string }>
  miniprogram_state?: string
  lang?: string
}

/**
 * A local stand-in for WeChat's server API, answering as the real one does: HTTP 200 always, errors as
 * {errcode, errmsg}.
 * - /sns/jscode2session: codes are issued by the test, valid once, for one openid.
 * - /cgi-bin/stable_token: access tokens valid 7200 s; `expireTokens()` makes the ones issued so far expired (42001).
 * - /cgi-bin/message/subscribe/send: checks the token, the openid (40003), the template (40037) and its data
 *   (47003: every field the template has, thing ≤ 20 characters, phrase ≤ 5 Chinese characters,
 *   character_string ≤ 32 ASCII, time as 2026年11月26日 15:01), and the user's one-time grants (43101 when none
 *   is left); `sendScript` answers the next sends with an errcode instead (45009 over quota, -1 busy).
 */
export interface FakeWechat {
  url: string
  appId: string
  secret: string
  /** A fresh login code for `openid`, as wx.login would hand the phone. */
  issueCode(openid: string): string
  /** While true, every call answers 45011 (rate limited). */
  rateLimited: boolean
  calls: number
  /** Templates the mini program has, by id, with their field keys. */
  templates: Map<string, string[]>
  /** The user tapped "allow" in wx.requestSubscribeMessage: one more message of this template may be sent. */
  grant(openid: string, templateId: string): void
  /** One-time grants left, by `${openid}/${templateId}`. */
  grants: Map<string, number>
  /** Errcodes the next sends answer with, one each, before any other check. */
  sendScript: number[]
  /** Accepted subscribe messages, in order. */
  sent: SentSubscribeMessage[]
  /** Every send request, accepted or not, with what it was answered. */
  sendAttempts: { body: SentSubscribeMessage; errcode: number }[]
  tokenRequests: number
  /** Makes every access token issued so far expired. */
  expireTokens(): void
  close(): Promise<void>
}

const FIELD_RULES: Record<string, (v: string) => boolean> = {
  thing: (v) => Array.from(v).length >= 1 && Array.from(v).length <= 20,
  phrase: (v) => /^[\u4e00-\u9fff]{1,5}$/.test(v),
  character_string: (v) => /^[\x21-\x7e]{1,32}$/.test(v),
  number: (v) => /^\d+(\.\d+)?$/.test(v) && v.length <= 32,
  time: (v) => /^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/.test(v) || /^\d{2}:\d{2}$/.test(v),
  date: (v) => /^\d{4}年\d{1,2}月\d{1,2}日( \d{2}:\d{2})?$/.test(v),
  name: (v) => Array.from(v).length >= 1 && Array.from(v).length <= 10,
}

export async function startFakeWechat(): Promise<FakeWechat> {
  const appId = 'wx-test-app'
  const secret = 'test-secret'
  const codes = new Map<string, { openid: string; used: boolean }>()
  const fake: FakeWechat = {
    url: '',
    appId,
    secret,
    rateLimited: false,
    calls: 0,
    templates: new Map(),
    grants: new Map(),
    sendScript: [],
    sent: [],
    sendAttempts: [],
    tokenRequests: 0,
    grant(openid, templateId) {
      const key = `${openid}/${templateId}`
      fake.grants.set(key, (fake.grants.get(key) ?? 0) + 1)
    },
    expireTokens() {
      for (const token of tokens.values()) token.expired = true
    },
    issueCode(openid) {
      openids.add(openid)
      const code = randomBytes(16).toString('hex')
      codes.set(code, { openid, used: false })
      return code
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }

  const tokens = new Map<string, { expired: boolean }>()
  const openids = new Set<string>()
  let tokenSeq = 0

  function stableToken(body: { grant_type?: string; appid?: string; secret?: string }) {
    fake.tokenRequests++
    if (body.grant_type !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' }
    if (body.appid !== appId) return { errcode: 40013, errmsg: 'invalid appid' }
    if (body.secret !== secret) return { errcode: 40125, errmsg: 'invalid appsecret' }
    const token = `fake-token-${++tokenSeq}-${randomBytes(6).toString('hex')}`
    tokens.set(token, { expired: false })
    return { access_token: token, expires_in: 7200 }
  }

  function subscribeSend(accessToken: string | null, body: SentSubscribeMessage): { errcode: number; errmsg: string } {
    const token = accessToken ? tokens.get(accessToken) : undefined
    if (!token) return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' }
    if (token.expired) return { errcode: 42001, errmsg: 'access_token expired' }
    const scripted = fake.sendScript.shift()
    if (scripted !== undefined) return { errcode: scripted, errmsg: scripted === 45009 ? 'reach max api daily quota limit' : 'system error' }
    if (!body.touser || !openids.has(body.touser)) return { errcode: 40003, errmsg: 'invalid openid' }
    const keys = fake.templates.get(body.template_id)
    if (!keys) return { errcode: 40037, errmsg: 'invalid template id' }
    for (const key of keys) {
      const value = body.data?.[key]?.value
      const rule = FIELD_RULES[key.replace(/\d+$/, '')]
      if (typeof value !== 'string' || (rule && !rule(value))) return { errcode: 47003, errmsg: `argument invalid! data.${key}.value invalid` }
    }
    const grantKey = `${body.touser}/${body.template_id}`
    const left = fake.grants.get(grantKey) ?? 0
    if (left <= 0) return { errcode: 43101, errmsg: 'user refuse to accept the msg' }
    fake.grants.set(grantKey, left - 1)
    fake.sent.push(body)
    return { errcode: 0, errmsg: 'ok' }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const answer = (body: object) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.method === 'POST' && (url.pathname === '/cgi-bin/stable_token' || url.pathname === '/cgi-bin/message/subscribe/send')) {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        let body: any = {}
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        } catch {
          return answer({ errcode: 47001, errmsg: 'data format error' })
        }
        if (url.pathname === '/cgi-bin/stable_token') return answer(stableToken(body))
        const result = subscribeSend(url.searchParams.get('access_token'), body)
        fake.sendAttempts.push({ body, errcode: result.errcode })
        answer(result)
      })
      return
    }
    if (req.method !== 'GET' || url.pathname !== '/sns/jscode2session') {
      res.writeHead(404)
      return res.end()
    }
    fake.calls++
    const q = url.searchParams
    if (fake.rateLimited) return answer({ errcode: 45011, errmsg: 'api minute-quota reach limit  mustslower  retry next minute' })
    if (q.get('appid') !== appId) return answer({ errcode: 40013, errmsg: 'invalid appid' })
    if (q.get('secret') !== secret) return answer({ errcode: 40125, errmsg: 'invalid appsecret' })
    if (q.get('grant_type') !== 'authorization_code') return answer({ errcode: 40002, errmsg: 'invalid grant_type' })
    const entry = codes.get(q.get('js_code') ?? '')
    if (!entry) return answer({ errcode: 40029, errmsg: 'invalid code' })
    if (entry.used) return answer({ errcode: 40163, errmsg: 'code been used' })
    entry.used = true
    answer({ openid: entry.openid, session_key: randomBytes(16).toString('base64') })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}
