import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A local stand-in for WeChat's /sns/jscode2session, answering as the real one does: HTTP 200 always,
 * errors as {errcode, errmsg}. Codes are issued by the test, valid once, for one openid.
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
  close(): Promise<void>
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
    issueCode(openid) {
      const code = randomBytes(16).toString('hex')
      codes.set(code, { openid, used: false })
      return code
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const answer = (body: object) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(body))
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
