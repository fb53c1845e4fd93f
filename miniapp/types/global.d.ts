/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.gif'
declare module '*.jpg'
declare module '*.jpeg'
declare module '*.svg'
declare module '*.css'
declare module '*.scss'

declare namespace NodeJS {
  interface ProcessEnv {
    /** NODE_ENV, replaced at build time. */
    NODE_ENV: 'development' | 'production'
    /** The platform being built, replaced at build time; only weapp and h5 are built. */
    TARO_ENV: 'weapp' | 'h5'
    /** Server origin used by the weapp build (checked in config/apiBase.ts; empty on h5). */
    TARO_APP_API_BASE: string
  }
}
