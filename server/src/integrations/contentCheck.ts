import { z } from 'zod'
import type { Config } from '../config'

export type ContentVerdict = 'pass' | 'review' | 'risky'

export interface ContentChecker {
  /** `openid` is the author's (WeChat wants it); null for accounts without one. */
  check(text: string, openid: string | null): Promise<ContentVerdict>
}

/**
 * A few words refused everywhere, as the offline fallback. Real deployments extend it with
 * CONTENT_BLOCKED_WORDS; WeChat's check does the heavy lifting when reachable.
 */
const BUILT_IN_BLOCKED = ['法轮功', '代开发票', '枪支出售', '冰毒出售', '裸聊']

export function createWordListChecker(extra: string[]): ContentChecker {
  const words = [...BUILT_IN_BLOCKED, ...extra].map((w) => w.toLowerCase())
  return {
    async check(text) {
      const plain = text.toLowerCase().replace(/[\s\p{P}]/gu, '')
      return words.some((w) => plain.includes(w)) ? 'risky' : 'pass'
    },
  }
}

const TokenAnswer = z.union([
  z.object({ access_token: z.string().min(1), expires_in: z.number() }),
  z.object({ errcode: z.number(), errmsg: z.string().optional() }),
])
const SecCheckAnswer = z.object({
  errcode: z.number(),
  result: z.object({ suggest: z.enum(['pass', 'review', 'risky']), label: z.number().optional() }).optional(),
})

const TOKEN_EXPIRED = new Set([40001, 42001])
/** Scene 3 is "forum" in msgSecCheck v2: public posts read by others, which a report is closest to. */
const SCENE_FORUM = 3

/**
 * WeChat msgSecCheck v2, with the access token from /cgi-bin/stable_token cached and refreshed early.
 * Throws when WeChat cannot answer; the combined checker then falls back to the word list.
 */
export function createWechatContentChecker(
  wechat: Pick<Config['wechat'], 'appId' | 'secret' | 'apiBase'>,
  { fetch: doFetch = fetch, timeoutMs = 3000 }: { fetch?: typeof fetch; timeoutMs?: number } = {},
): ContentChecker {
  let token: { value: string; refreshAt: number } | null = null

  async function postJson(path: string, body: unknown): Promise<unknown> {
    const res = await doFetch(`${wechat.apiBase}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (!res.ok) throw new Error(`wechat ${path} HTTP ${res.status}`)
    return res.json()
  }

  async function accessToken(forceRefresh = false): Promise<string> {
    if (!forceRefresh && token && Date.now() < token.refreshAt) return token.value
    const answer = TokenAnswer.parse(
      await postJson('/cgi-bin/stable_token', {
        grant_type: 'client_credential', appid: wechat.appId, secret: wechat.secret, force_refresh: forceRefresh,
      }),
    )
    if ('errcode' in answer) throw new Error(`stable_token errcode ${answer.errcode}`)
    // Refresh five minutes early so a token never expires mid-request.
    token = { value: answer.access_token, refreshAt: Date.now() + Math.max(60, answer.expires_in - 300) * 1000 }
    return token.value
  }

  async function secCheck(text: string, openid: string, forceRefresh: boolean) {
    const t = await accessToken(forceRefresh)
    return SecCheckAnswer.parse(
      await postJson(`/wxa/msg_sec_check?access_token=${encodeURIComponent(t)}`, { content: text, version: 2, scene: SCENE_FORUM, openid }),
    )
  }

  return {
    async check(text, openid) {
      if (!wechat.appId || !wechat.secret || !openid) throw new Error('wechat content check not configured')
      let answer = await secCheck(text, openid, false)
      if (TOKEN_EXPIRED.has(answer.errcode)) answer = await secCheck(text, openid, true)
      if (answer.errcode !== 0 || !answer.result) throw new Error(`msg_sec_check errcode ${answer.errcode}`)
      return answer.result.suggest
    },
  }
}

/** WeChat's verdict when it answers, the local word list always: the stricter of the two wins. */
export function createContentChecker(config: Config, log?: { warn(obj: object, msg: string): void }): ContentChecker {
  const local = createWordListChecker(config.gridLoop.blockedWords)
  const remote = createWechatContentChecker(config.wechat)
  const rank: Record<ContentVerdict, number> = { pass: 0, review: 1, risky: 2 }
  return {
    async check(text, openid) {
      const offline = await local.check(text, openid)
      if (offline === 'risky') return offline
      try {
        const online = await remote.check(text, openid)
        return rank[online] > rank[offline] ? online : offline
      } catch (err) {
        log?.warn({ err: String(err) }, 'content check fell back to the word list')
        return offline
      }
    },
  }
}
