/**
 * Where the API lives. The h5 build is served by the API server itself, so it uses relative URLs;
 * the weapp build needs an absolute origin, set at build time from TARO_APP_API_BASE (config/index.ts).
 */
export const API_BASE: string =
  process.env.TARO_ENV === 'h5' ? '' : (process.env.TARO_APP_API_BASE || 'http://127.0.0.1:3000').replace(/\/+$/, '')
