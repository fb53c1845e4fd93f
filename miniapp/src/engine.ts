/*
 * What the oldest JavaScript engine the mini program supports lacks, and how zod must run there. app.tsx
 * imports this module first, so it runs before any other module of the app and before @anju/shared builds a
 * single schema.
 *
 * The oldest engine is the JavaScriptCore of iOS 12.2 (WeChat runs the mini program's logic there on
 * iPhones; Android WeChat ships a newer V8; every iPhone that runs iOS 12 can update to 12.5.7). It has
 * globalThis, Object.fromEntries and Array.prototype.flat/flatMap, which zod and the pages use, but lacks
 * BigInt (see config/loaders/lazyBigIntRanges.js) and `at` on arrays and strings (iOS 15.4, ./polyfills).
 * Nothing older can run the app: zod reads globalThis while it loads, and no polyfill can define it without
 * eval there.
 * test/weapp/runtime.test.ts loads the build in an engine stripped to that level and fails on anything
 * the bundle uses that is neither there nor polyfilled here.
 */
import './polyfills'
import { config } from 'zod'

// WeChat forbids eval and new Function: zod must not compile parsers at run time, nor probe whether it may.
// Set before any object schema exists, because zod decides that when it builds one.
config({ jitless: true })
