import type { PlatformAdapter } from './types'

export * from './types'

/*
 * process.env.TARO_ENV is replaced at build time, so webpack drops the arm of the conditional (and the
 * module) the current platform does not use: the h5 bundle never contains weapp.ts and vice versa.
 * Keep it a single conditional expression: code after an `if (...) return` is not dropped.
 */
export const platform: PlatformAdapter =
  process.env.TARO_ENV === 'weapp'
    ? (require('./weapp') as typeof import('./weapp')).weapp
    : (require('./h5') as typeof import('./h5')).h5
