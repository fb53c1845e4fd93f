import { describe, expect, it } from 'vitest'
import { api, pathFor } from './api'
import { ERROR_MESSAGES } from './errors'
import { DevLoginInput } from './index'

describe('shared contract', () => {
  it('fills path parameters and refuses missing ones', () => {
    expect(pathFor(api.region.path, { id: 7 })).toBe('/api/regions/7')
    expect(() => pathFor(api.region.path)).toThrow(/id/)
  })

  it('has a Chinese message for every error code', () => {
    for (const message of Object.values(ERROR_MESSAGES)) expect(message).toMatch(/[\u4e00-\u9fa5]/)
  })

  it('words zod failures in Chinese', () => {
    const result = DevLoginInput.safeParse({})
    expect(result.success).toBe(false)
    expect(result.error!.issues[0]!.message).toMatch(/[\u4e00-\u9fa5]/)
  })

  it('marks every endpoint under /api as needing a body only for writes', () => {
    for (const e of Object.values(api)) {
      if (e.method === 'GET') expect('body' in e).toBe(false)
    }
  })
})
