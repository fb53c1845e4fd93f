import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../server/src/config'
import { COMPILED_MAIN, spawnAnju } from '../../server/src/testing/process'

const run = promisify(execFile)

/** `npm run build:server` and the compiled server under plain node, as `npm run serve` runs it in production. */
describe('the compiled server', () => {
  let dir: string
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-compiled-'))
    await run(process.execPath, [path.join(REPO_ROOT, 'server/scripts/build.mjs')], { cwd: REPO_ROOT, timeout: 120_000 })
  }, 180_000)
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('is one JavaScript module that imports no TypeScript and needs no tsx', () => {
    const code = fs.readFileSync(COMPILED_MAIN, 'utf8')
    expect(code).not.toMatch(/from\s+["'][^"']*\.ts["']/)
    expect(code).not.toMatch(/["']tsx["']/)
    // Our shared schemas are bundled in; npm packages are imported from node_modules.
    expect(code).not.toMatch(/from\s+["']@anju\/shared["']/)
    expect(code).toMatch(/from\s+["']koa["']/)
  })

  it('migrates, serves the API and answers health checks under plain node', async () => {
    const env = {
      DATABASE_URL: `sqlite:${path.join(dir, 'anju.db')}`, PORT: '0', HOST: '127.0.0.1', STATIC_DIR: '', LOG_LEVEL: 'info', ANJU_DEV_LOGIN: 'true',
    }
    const migrate = spawnAnju('migrate', env, { compiled: true })
    expect(await migrate.exited).toBe(0)
    const web = spawnAnju('web', env, { compiled: true })
    try {
      const listening = await web.waitForLog(/listening/)
      const base = `http://127.0.0.1:${listening.port as number}`
      expect((await fetch(`${base}/healthz`)).status).toBe(200)
      const login = await fetch(`${base}/api/auth/dev`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ handle: 'compiled-1', displayName: '居民' }),
      })
      expect(login.status).toBe(200)
      const { accessToken } = (await login.json()) as { accessToken: string }
      const me = await fetch(`${base}/api/me`, { headers: { Authorization: `Bearer ${accessToken}` } })
      expect(me.status).toBe(200)
    } finally {
      await web.kill()
    }
  }, 90_000)
})
