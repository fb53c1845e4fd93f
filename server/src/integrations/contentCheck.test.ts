import { describe, expect, it } from 'vitest'
import { createWechatContentChecker, createWordListChecker } from './contentCheck'

const wechat = { appId: 'wx-app', secret: 's', apiBase: 'https://wechat.invalid' }

/** A fetch that answers WeChat's endpoints from a script and records the calls. */
function scriptedFetch(answers: Record<string, unknown[]>) {
  const calls: { path: string; body: any }[] = []
  const doFetch = (async (url: string, init: RequestInit) => {
    const path = new URL(url).pathname
    calls.push({ path, body: JSON.parse(String(init.body)) })
    const next = answers[path]!.shift()
    return new Response(JSON.stringify(next), { status: 200 })
  }) as unknown as typeof fetch
  return { doFetch, calls }
}

describe('content check', () => {
  it('refuses blocked words however they are spaced or punctuated', async () => {
    const local = createWordListChecker(['违禁测试'])
    expect(await local.check('这里有 代开 发票', null)).toBe('risky')
    expect(await local.check('违禁，测试', null)).toBe('risky')
    expect(await local.check('路灯坏了', null)).toBe('pass')
  })

  it('asks msgSecCheck v2 with a cached stable token, refreshing it once when expired', async () => {
    const { doFetch, calls } = scriptedFetch({
      '/cgi-bin/stable_token': [{ access_token: 'T1', expires_in: 7200 }, { access_token: 'T2', expires_in: 7200 }],
      '/wxa/msg_sec_check': [
        { errcode: 0, result: { suggest: 'pass', label: 100 } },
        { errcode: 42001, errmsg: 'access_token expired' },
        { errcode: 0, result: { suggest: 'risky', label: 20001 } },
      ],
    })
    const checker = createWechatContentChecker(wechat, { fetch: doFetch })
    expect(await checker.check('路灯坏了', 'openid-1')).toBe('pass')
    expect(await checker.check('别的内容', 'openid-1')).toBe('risky')
    expect(calls.filter((c) => c.path === '/cgi-bin/stable_token').map((c) => c.body.force_refresh)).toEqual([false, true])
    expect(calls[1]!.body).toMatchObject({ content: '路灯坏了', version: 2, openid: 'openid-1' })
  })

  it('throws when WeChat cannot answer, so the caller falls back', async () => {
    const { doFetch } = scriptedFetch({ '/cgi-bin/stable_token': [{ errcode: -1, errmsg: 'busy' }] })
    await expect(createWechatContentChecker(wechat, { fetch: doFetch }).check('x', 'o')).rejects.toThrow()
    await expect(createWechatContentChecker({ ...wechat, appId: '' }).check('x', 'o')).rejects.toThrow()
  })
})
