/**
 * The origin the weapp build talks to, baked in at build time as process.env.TARO_APP_API_BASE.
 *
 * On a phone, WeChat only lets a mini program reach HTTPS domains registered in its admin console
 * (request, uploadFile, downloadFile), so every build that can end up on a phone must name one: a
 * `taro build` (mode `production`) and the build `npm test` checks (mode `test`, whose .env.test names a
 * reserved `.test` domain that the tests map to their local server). Only a watch build for DevTools
 * (mode `development`) may fall back to the local server over plain HTTP.
 *
 * Taro reads miniapp/.env, .env.<mode> and the environment before this runs, so a TARO_APP_API_BASE from
 * any of them is checked here.
 */
export const DEVELOPMENT_API_BASE = 'http://127.0.0.1:3000'

export function weappApiBase(mode: string | undefined, value: string | undefined): string {
  const base = (value ?? '').trim().replace(/\/+$/, '')
  if (mode === 'development') return base || DEVELOPMENT_API_BASE
  const problem = !base
    ? 'TARO_APP_API_BASE is not set'
    : !/^https:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(base)
      ? `TARO_APP_API_BASE=${base} is not an https:// URL`
      : null
  if (problem) {
    throw new Error(
      `${problem}. A ${mode ?? 'production'} weapp build must talk to the API over HTTPS, on a domain registered ` +
        'as a request, uploadFile and downloadFile domain of the mini program: e.g. ' +
        'TARO_APP_API_BASE=https://anju.example.cn npm run build:weapp (for DevTools against a local server, ' +
        'npm run dev:weapp -w miniapp uses ' + DEVELOPMENT_API_BASE + ').',
    )
  }
  return base
}
