import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnAnju } from './testing/process'
import { startFakeS3, type FakeS3 } from './testing/s3'

/** `npm run serve` is `main.ts web`: the production entry must not run on the secrets published in the repository. */
describe('main.ts web and the development secrets', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-main-'))
  })
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true })
  })
  const base = () => ({ DATABASE_URL: `sqlite:${path.join(dir, 'anju.db')}`, PORT: '0', HOST: '127.0.0.1', STATIC_DIR: '', LOG_LEVEL: 'info' })

  it('refuses to serve without NODE_ENV when the JWT and patrol secrets are the development ones', async () => {
    const p = spawnAnju('web', base())
    try {
      const code = await Promise.race([
        p.exited,
        p.waitForLog(/listening/).then(() => 'listening'),
      ])
      expect(code).toBe(1)
      expect(p.output()).toMatch(/JWT_SECRET/)
      expect(p.output()).toMatch(/PATROL_TOKEN_SECRET/)
    } finally {
      await p.kill()
    }
  }, 60_000)

  it('serves with real secrets, or with the development login explicitly on', async () => {
    for (const env of <Record<string, string>[]>[
      { JWT_SECRET: 'a-random-secret-that-is-long-enough-0123456789', PATROL_TOKEN_SECRET: 'another-random-secret-that-is-long-enough-42', LEDGER_CHAIN_KEY: 'a-random-ledger-chain-key-that-is-long-enough-7' },
      { ANJU_DEV_LOGIN: 'true' },
    ]) {
      const p = spawnAnju('web', { ...base(), ...env })
      try {
        const listening = await p.waitForLog(/listening/)
        expect(listening.port).toBeGreaterThan(0)
      } finally {
        await p.kill()
      }
    }
  }, 90_000)
})

/** A wrong bucket, key or secret stops the start with the reason, instead of failing the first photo. */
describe('main.ts web and worker check the upload store before starting', () => {
  let dir: string
  let s3: FakeS3
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-main-store-'))
    s3 = await startFakeS3()
  })
  afterAll(async () => {
    await s3?.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  const base = () => ({ DATABASE_URL: `sqlite:${path.join(dir, 'anju.db')}`, PORT: '0', HOST: '127.0.0.1', STATIC_DIR: '', LOG_LEVEL: 'info', ANJU_DEV_LOGIN: 'true' })

  it('refuses to start on a secret the store does not take, or a bucket it does not have, never printing the secret', async () => {
    for (const [command, store, reason] of [
      ['web', s3.storeUrl({ secret: 'not-the-secret' }), /refused the access key \(403\)/],
      ['worker', s3.storeUrl({ secret: 'not-the-secret' }), /refused the access key \(403\)/],
      ['web', s3.storeUrl({ bucket: 'no-such-bucket' }), /bucket no-such-bucket at .* does not exist/],
    ] as const) {
      const p = spawnAnju(command, { ...base(), UPLOAD_STORE: store })
      try {
        expect(await Promise.race([p.exited, p.waitForLog(/listening|worker running/).then(() => 'started')])).toBe(1)
        expect(p.output()).toMatch(reason)
        expect(p.output()).not.toContain('not-the-secret')
      } finally {
        await p.kill()
      }
    }
  }, 90_000)

  it('serves with photos in the bucket', async () => {
    const p = spawnAnju('web', { ...base(), UPLOAD_STORE: s3.storeUrl() })
    try {
      expect((await p.waitForLog(/listening/)).port).toBeGreaterThan(0)
    } finally {
      await p.kill()
    }
  }, 60_000)
})
