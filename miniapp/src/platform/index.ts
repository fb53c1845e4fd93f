import type { PlatformAdapter } from './types'

export * from './types'

/*
 * process.env.TARO_ENV is replaced at build time, so webpack drops the branch (and the module) the
 * current platform does not use: the h5 bundle never contains weapp.ts and vice versa.
 */
function loadPlatform(): PlatformAdapter {
  if (process.env.TARO_ENV === 'weapp') {
    return (require('./weapp') as typeof import('./weapp')).weapp
  }
  return (require('./h5') as typeof import('./h5')).h5
}

export const platform: PlatformAdapter = loadPlatform()
