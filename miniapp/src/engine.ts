/*
 * What the oldest JavaScript engine the mini program supports lacks, and how zod must run there. app.tsx
 * imports this module first, so it runs before any other module of the app and before @anju/shared builds a
 * single schema.
 *
 * The oldest engine is the JavaScriptCore of iOS 12 (WeChat runs the mini program's logic there on iPhones;
 * Android WeChat ships a newer V8). It lacks globalThis and Object.fromEntries before iOS 12.2 and
 * Array.prototype.at before iOS 15.4; zod reads globalThis while it loads, the pages use the other two.
 * test/weapp/runtime.test.ts loads the build in an engine stripped to that level and fails on anything
 * the bundle uses that is neither there nor polyfilled here.
 */
import 'core-js/modules/es.global-this'
import 'core-js/modules/es.object.from-entries'
import 'core-js/modules/es.array.flat'
import 'core-js/modules/es.array.flat-map'
import 'core-js/modules/es.array.at'
import { config } from 'zod'

// WeChat forbids eval and new Function: zod must not compile parsers at run time, nor probe whether it may.
// Set before any object schema exists, because zod decides that when it builds one.
config({ jitless: true })
