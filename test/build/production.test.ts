import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const MINIAPP = path.resolve(import.meta.dirname, '../../miniapp')
const TARO = path.resolve(import.meta.dirname, '../../node_modules/.bin/taro')

/** `taro build --type weapp` as a release would run it, with `apiBase` as TARO_APP_API_BASE (unset if null). */
async function productionBuild(apiBase: string | null): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  // The test runner's NODE_ENV=test would make Taro build something else than a release.
  delete env.NODE_ENV
  delete env.TARO_APP_API_BASE
  if (apiBase !== null) env.TARO_APP_API_BASE = apiBase
  try {
    const { stdout, stderr } = await run(TARO, ['build', '--type', 'weapp'], { cwd: MINIAPP, env, timeout: 120_000 })
    return { code: 0, output: stdout + stderr }
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` }
  }
}

describe('a production weapp build', () => {
  it('refuses to build without an https:// API origin, saying what to set, and leaves the last build alone', async () => {
    const app = path.join(MINIAPP, 'dist/weapp/app.js')
    const before = fs.statSync(app).mtimeMs
    const [unset, plain] = await Promise.all([productionBuild(null), productionBuild('http://anju.example.cn')])
    expect(unset.code).not.toBe(0)
    expect(unset.output).toContain('TARO_APP_API_BASE is not set')
    expect(unset.output).toContain('request, uploadFile and downloadFile domain')
    expect(plain.code).not.toBe(0)
    expect(plain.output).toContain('TARO_APP_API_BASE=http://anju.example.cn is not an https:// URL')
    expect(fs.statSync(app).mtimeMs).toBe(before)
  }, 150_000)
})

describe('weappApiBase', () => {
  it('lets only a DevTools watch build fall back to the local server over HTTP', async () => {
    const { weappApiBase, DEVELOPMENT_API_BASE } = await import('../../miniapp/config/apiBase')
    expect(weappApiBase('development', undefined)).toBe(DEVELOPMENT_API_BASE)
    expect(weappApiBase('development', 'http://192.0.2.7:3000/')).toBe('http://192.0.2.7:3000')
    expect(weappApiBase('production', 'https://anju.example.cn/')).toBe('https://anju.example.cn')
    expect(weappApiBase('test', ' https://api.anju.test ')).toBe('https://api.anju.test')
    expect(() => weappApiBase('test', 'http://127.0.0.1:3000')).toThrow('not an https:// URL')
    expect(() => weappApiBase('production', '')).toThrow('TARO_APP_API_BASE is not set')
  })
})
