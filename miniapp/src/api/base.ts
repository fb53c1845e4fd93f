/**
 * Where the API lives. The h5 build is served by the API server itself, so it uses relative URLs;
 * the weapp build needs an absolute origin, set at build time from TARO_APP_API_BASE (config/apiBase.ts
 * checks it: HTTPS for every build but a DevTools watch build).
 */
export const API_BASE: string = process.env.TARO_ENV === 'h5' ? '' : process.env.TARO_APP_API_BASE
