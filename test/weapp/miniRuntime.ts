import fs from 'node:fs'
import path from 'node:path'
import vm from 'node:vm'

/*
 * The compiled weapp (miniapp/dist/weapp) run the way WeChat's logic layer runs it, in a Node `vm` context
 * shaped like the oldest engine we support:
 *
 * - each file is a module wrapped as WeChat wraps it (require, module, exports; window, document, self,
 *   navigator and location undefined), and there are no Node globals (process, Buffer, global, require);
 * - eval and new Function throw, as they do in WeChat, and every attempt is recorded;
 * - BigInt and the built-ins newer than iOS 12.2's JavaScriptCore (see STRIPPED) are removed before the
 *   app loads, so only what the app polyfills itself comes back;
 * - `wx` is a recording stub: requests to the build's API origin go to a real server over HTTP, other
 *   origins fail as an unregistered domain does, and the device APIs (login, location, camera, scanner)
 *   answer what the test scripts.
 *
 * App(), Page() and Component() keep what the app registers; a page is mounted by calling its lifecycle
 * methods, and its rendered tree is the data Taro sends with setData (what base.wxml renders).
 */

/** Built-ins the logic layer lacks on iOS 12.2 (JavaScriptCore of Safari 12.1), removed before the app loads. */
export const STRIPPED = [
  'BigInt', 'BigInt64Array', 'BigUint64Array',
  'Array.prototype.at', 'String.prototype.at', 'Array.prototype.findLast', 'Array.prototype.findLastIndex',
  'Array.prototype.toSorted', 'Array.prototype.toReversed', 'Array.prototype.toSpliced', 'Array.prototype.with',
  'Object.hasOwn', 'Object.groupBy', 'Map.groupBy', 'String.prototype.replaceAll', 'String.prototype.matchAll',
  'String.prototype.isWellFormed', 'String.prototype.toWellFormed',
  'Promise.allSettled', 'Promise.any', 'Promise.withResolvers', 'AggregateError', 'WeakRef', 'FinalizationRegistry',
  'Array.fromAsync', 'Atomics', 'SharedArrayBuffer', 'WebAssembly',
] as const

export interface WxCall {
  api: string
  options: any
}

export interface DeviceScript {
  /** wx.login's code (e.g. one the fake WeChat issued). */
  loginCode: () => string
  /** null: location refused ("auth deny"); otherwise the GCJ-02 fix getLocation and onLocationChange report. */
  location: { latitude: number; longitude: number; accuracy: number } | null
  /** What chooseMedia picks: local file paths of real images. */
  photos: string[]
  /** What scanCode reads. */
  scanResult: string
  /** The phone's time (ms): the test server's clock, so both can be moved forward together. */
  now: () => number
}

interface Registered {
  config: Record<string, any>
}

type Node = { [key: string]: any }

export interface MountedPage {
  route: string
  instance: Record<string, any>
  /** Every text in the rendered tree, in order. */
  text(): string
  /** The rendered node whose id attribute is `id` (Taro keeps it as `uid`). */
  byId(id: string): Node | undefined
  /** The rendered nodes whose text (their own and their children's) includes `text`. */
  byText(text: string): Node[]
  /** The node that holds `node` among its children. */
  parentOf(node: Node | undefined): Node | undefined
  tap(node: Node | undefined): void
  input(node: Node | undefined, value: string): void
  /** A picker's or switch's change event. */
  change(node: Node | undefined, value: unknown): void
}

export class MiniRuntime {
  readonly calls: WxCall[] = []
  readonly errors: unknown[] = []
  readonly codeGeneration: string[] = []
  readonly storage = new Map<string, unknown>()
  readonly stack: Record<string, any>[] = []
  private readonly context: vm.Context
  private readonly modules = new Map<string, { exports: any }>()
  private readonly pageConfigs = new Map<string, Registered>()
  private readonly locationListeners = new Set<(fix: unknown) => void>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private loadingRoute: string | null = null
  private app: Record<string, any> | null = null
  private pending = 0
  private tempFiles = new Map<string, string>()
  private nextWebviewId = 1
  readonly appJson: { pages: string[]; subPackages?: { root: string; pages: string[] }[] }

  constructor(
    readonly root: string,
    private readonly origin: { apiBase: string; server: string },
    readonly device: DeviceScript,
  ) {
    this.appJson = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'))
    this.context = vm.createContext({}, { name: 'weapp logic layer', codeGeneration: { strings: false, wasm: false } })
    this.installGlobals()
  }

  /** Loads app.js (and with it the shared chunks) and launches the app. */
  launch(): this {
    this.require('app.js')
    if (!this.app) throw new Error('app.js did not call App()')
    const options = { path: 'pages/index/index', query: {}, scene: 1001 }
    this.app.onLaunch?.call(this.app, options)
    this.app.onShow?.call(this.app, options)
    return this
  }

  /** Which of the STRIPPED built-ins exist now (i.e. the app polyfilled them). */
  builtInsPresent(): string[] {
    return STRIPPED.filter((name) => this.run(`(function () { try { return typeof ${name} !== 'undefined' } catch (e) { return false } })()`))
  }

  /** Opens a page as navigateTo would: loads its module, creates the page and runs onLoad, onShow, onReady. */
  open(url: string): MountedPage {
    const [route, search = ''] = url.replace(/^\/+/, '').split('?') as [string, string?]
    const query = Object.fromEntries(new URLSearchParams(search))
    if (!this.pageConfigs.has(route)) {
      this.loadingRoute = route
      try {
        this.require(`${route}.js`)
      } finally {
        this.loadingRoute = null
      }
    }
    const registered = this.pageConfigs.get(route)
    if (!registered) throw new Error(`${route}.js did not call Page()`)
    const instance: Record<string, any> = {}
    for (const [key, value] of Object.entries(registered.config)) {
      instance[key] = key === 'data' ? structuredClone(value ?? {}) : value
    }
    instance.data ??= {}
    instance.route = route
    instance.options = query
    instance.__wxWebviewId__ = this.nextWebviewId++
    instance.__wxExparserNodeId__ = `page-${instance.__wxWebviewId__}`
    instance.setData = (data: Record<string, unknown>, callback?: () => void) => {
      for (const [key, value] of Object.entries(data)) assignPath(instance.data, key, value)
      if (callback) this.later(callback)
    }
    instance.selectComponent = () => null
    instance.selectAllComponents = () => []
    instance.createSelectorQuery = () => this.selectorQuery()
    instance.getOpenerEventChannel = () => ({ emit() {}, on() {}, once() {}, off() {} })
    this.stack.forEach((page) => this.guard(() => page.onHide?.call(page)))
    this.stack.push(instance)
    this.guard(() => instance.onLoad?.call(instance, query))
    this.guard(() => instance.onShow?.call(instance))
    this.guard(() => instance.onReady?.call(instance))
    return this.mounted(route, instance)
  }

  /** Closes the top page (navigateBack). */
  close(): void {
    const page = this.stack.pop()
    if (page) this.guard(() => page.onUnload?.call(page))
    const top = this.stack.at(-1)
    if (top) this.guard(() => top.onShow?.call(top))
  }

  /** Sends a position to every onLocationChange listener, as the phone does while updates run. */
  moveTo(fix: { latitude: number; longitude: number; accuracy: number }): void {
    this.locationListeners.forEach((listener) => this.guard(() => listener({ ...fix, speed: 1, altitude: 50 })))
  }

  callsOf(api: string): WxCall[] {
    return this.calls.filter((call) => call.api === api)
  }

  /** Resolves once `check` holds and no request is in flight; fails with what the page shows after `ms`. */
  async until(check: () => boolean, page?: MountedPage, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms
    for (;;) {
      if (this.errors.length) throw this.errors[0]
      if (this.pending === 0 && check()) return
      if (Date.now() > deadline) {
        throw new Error(`timed out${page ? ` on ${page.route}, which shows: ${page.text()}` : ''}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  /** Stops every timer the app left running. */
  dispose(): void {
    this.timers.forEach((timer) => clearTimeout(timer))
    this.timers.clear()
  }

  /** Runs a script in the logic layer (the harness's own compilation: not an eval the app makes). */
  run(code: string): any {
    return new vm.Script(code).runInContext(this.context)
  }

  private guard(fn: () => unknown): void {
    try {
      const result = fn()
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        ;(result as Promise<unknown>).then(undefined, (err) => this.errors.push(err))
      }
    } catch (err) {
      this.errors.push(err)
    }
  }

  private later(fn: () => void, ms = 0): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      this.guard(fn)
    }, ms)
    this.timers.add(timer)
    return timer
  }

  /** WeChat's module system: one function per file, `require` relative to the file, each file run once. */
  private require(file: string): any {
    const id = path.posix.normalize(file.endsWith('.js') ? file : `${file}.js`)
    const cached = this.modules.get(id)
    if (cached) return cached.exports
    const source = fs.readFileSync(path.join(this.root, id), 'utf8')
    const module = { exports: {} as any }
    this.modules.set(id, module)
    const factory = new vm.Script(
      `(function (require, module, exports, window, document, self, navigator, location) {${source}\n})`,
      { filename: id },
    ).runInContext(this.context)
    const localRequire = (request: string) =>
      this.require(request.startsWith('.') ? path.posix.join(path.posix.dirname(id), request) : request)
    factory.call(undefined, localRequire, module, module.exports)
    return module.exports
  }

  private installGlobals() {
    const g = this.context as Record<string, any>
    const record = (kind: string, args: unknown[]) => this.codeGeneration.push(`${kind}(${args.map(String).join(', ')})`)
    g.__recordCodeGeneration = record
    this.run(`(function (record) {
      var RealFunction = Function
      function NoFunction() { record('new Function', Array.prototype.slice.call(arguments)); throw new EvalError('new Function is not allowed in WeChat') }
      NoFunction.prototype = RealFunction.prototype
      Object.defineProperty(RealFunction.prototype, 'constructor', { value: NoFunction, writable: true, configurable: true })
      Function = NoFunction
      eval = function () { record('eval', Array.prototype.slice.call(arguments)); throw new EvalError('eval is not allowed in WeChat') }
    })(__recordCodeGeneration)`)
    delete g.__recordCodeGeneration
    // The phone's Date reads the device's clock, so a test can live minutes of a patrol in milliseconds.
    g.__deviceNow = () => this.device.now()
    this.run(`(function (deviceNow) {
      var RealDate = Date
      function PhoneDate(a, b, c, d, e, f, g) {
        if (!(this instanceof PhoneDate)) return new RealDate(deviceNow()).toString()
        switch (arguments.length) {
          case 0: return new RealDate(deviceNow())
          case 1: return new RealDate(a)
          default: return new RealDate(a, b, c === undefined ? 1 : c, d || 0, e || 0, f || 0, g || 0)
        }
      }
      PhoneDate.prototype = RealDate.prototype
      PhoneDate.now = function () { return deviceNow() }
      PhoneDate.parse = RealDate.parse
      PhoneDate.UTC = RealDate.UTC
      Date = PhoneDate
    })(__deviceNow)`)
    delete g.__deviceNow
    for (const name of STRIPPED) {
      const parts = name.split('.')
      if (parts.length === 1) this.run(`delete this[${JSON.stringify(name)}]`)
      else this.run(`delete ${parts.slice(0, -1).join('.')}[${JSON.stringify(parts.at(-1))}]`)
    }

    g.console = {
      log() {}, info() {}, debug() {},
      warn: (...args: unknown[]) => console.warn('[weapp]', ...args),
      error: (...args: unknown[]) => console.error('[weapp]', ...args),
    }
    g.setTimeout = (fn: () => void, ms?: number) => this.later(fn, ms)
    g.clearTimeout = (timer: NodeJS.Timeout) => {
      clearTimeout(timer)
      this.timers.delete(timer)
    }
    g.setInterval = (fn: () => void, ms?: number) => {
      const timer = setInterval(() => this.guard(fn), ms)
      this.timers.add(timer)
      return timer
    }
    g.clearInterval = g.clearTimeout
    g.__wxConfig = { ...this.appJson, envVersion: 'develop', platform: 'ios' }
    g.App = (config: Record<string, any>) => {
      this.app = config
    }
    g.getApp = () => this.app
    g.getCurrentPages = () => [...this.stack]
    g.Page = (config: Record<string, any>) => {
      if (!this.loadingRoute) throw new Error('Page() called outside a page module')
      this.pageConfigs.set(this.loadingRoute, { config })
    }
    g.Component = () => undefined
    g.Behavior = (definition: unknown) => definition
    g.wx = this.wx()
  }

  private selectorQuery() {
    const query = {
      select: () => query, selectAll: () => query, selectViewport: () => query, in: () => query,
      boundingClientRect: () => query, scrollOffset: () => query, fields: () => query, node: () => query,
      exec: (callback?: (result: unknown[]) => void) => this.later(() => callback?.([])),
    }
    return query
  }

  /** The recording `wx`. An API the app calls that is not here fails the test (Taro only wraps what exists). */
  private wx(): Record<string, unknown> {
    const systemInfo = {
      brand: 'iPhone', model: 'iPhone 8', system: 'iOS 12.5.7', platform: 'ios', version: '8.0.50', SDKVersion: '3.7.0',
      language: 'zh_CN', pixelRatio: 2, screenWidth: 375, screenHeight: 667, windowWidth: 375, windowHeight: 603,
      statusBarHeight: 20, safeArea: { top: 20, left: 0, right: 375, bottom: 667, width: 375, height: 647 },
      theme: 'light', fontSizeSetting: 16,
    }
    // As WeChat answers an asynchronous API: through the callbacks when any is given, else as a Promise
    // (base library 2.10.2+; Taro passes such APIs through untouched unless it promisifies them itself).
    const answer = (options: any, res: Record<string, unknown>, succeeded: boolean) => {
      if (!options?.success && !options?.fail && !options?.complete) {
        return new Promise((resolve, reject) => this.later(() => (succeeded ? resolve(res) : reject(res))))
      }
      this.later(() => {
        if (succeeded) options.success?.(res)
        else options.fail?.(res)
        options.complete?.(res)
      })
      return undefined
    }
    const ok = (name: string, options: any, result: Record<string, unknown> = {}) =>
      answer(options, { errMsg: `${name}:ok`, ...result }, true)
    const fail = (name: string, options: any, reason: string, errno?: number) =>
      answer(options, { errMsg: `${name}:fail ${reason}`, ...(errno === undefined ? {} : { errno }) }, false)
    const api: Record<string, (options?: any, ...rest: any[]) => unknown> = {
      getSystemInfoSync: () => ({ ...systemInfo }),
      getSystemInfo: (o) => ok('getSystemInfo', o, systemInfo),
      getWindowInfo: () => ({ ...systemInfo }),
      getDeviceInfo: () => ({ ...systemInfo }),
      getAppBaseInfo: () => ({ ...systemInfo }),
      getMenuButtonBoundingClientRect: () => ({ width: 87, height: 32, top: 24, right: 365, bottom: 56, left: 278 }),
      getLaunchOptionsSync: () => ({ path: 'pages/index/index', query: {}, scene: 1001 }),
      getEnterOptionsSync: () => ({ path: 'pages/index/index', query: {}, scene: 1001 }),
      canIUse: () => true,
      nextTick: (fn) => this.later(fn),
      onAppShow: () => undefined, onAppHide: () => undefined, offAppShow: () => undefined, offAppHide: () => undefined,
      onError: () => undefined, onUnhandledRejection: () => undefined, onPageNotFound: () => undefined,
      onNeedPrivacyAuthorization: () => undefined,
      openPrivacyContract: (o) => ok('openPrivacyContract', o),
      getUpdateManager: () => ({ onCheckForUpdate() {}, onUpdateReady() {}, onUpdateFailed() {}, applyUpdate() {} }),
      reportAnalytics: () => undefined,
      createSelectorQuery: () => this.selectorQuery(),
      createIntersectionObserver: () => ({ relativeTo() { return this }, relativeToViewport() { return this }, observe() {}, disconnect() {} }),

      getStorageSync: (key: string) => (this.storage.has(key) ? structuredClone(this.storage.get(key)) : ''),
      setStorageSync: (key: string, value: unknown) => void this.storage.set(key, structuredClone(value)),
      removeStorageSync: (key: string) => void this.storage.delete(key),
      getStorage: (o) => (this.storage.has(o.key) ? ok('getStorage', o, { data: structuredClone(this.storage.get(o.key)) }) : fail('getStorage', o, 'data not found')),
      setStorage: (o) => {
        this.storage.set(o.key, structuredClone(o.data))
        return ok('setStorage', o)
      },
      removeStorage: (o) => {
        this.storage.delete(o.key)
        return ok('removeStorage', o)
      },

      login: (o) => ok('login', o, { code: this.device.loginCode() }),
      request: (o) => this.request(o),
      uploadFile: (o) => this.uploadFile(o),

      getLocation: (o) =>
        this.device.location ? ok('getLocation', o, { ...this.device.location, speed: 0, altitude: 50 }) : fail('getLocation', o, 'auth deny'),
      startLocationUpdate: (o) => (this.device.location ? ok('startLocationUpdate', o) : fail('startLocationUpdate', o, 'auth deny')),
      stopLocationUpdate: (o) => ok('stopLocationUpdate', o),
      onLocationChange: (listener) => void this.locationListeners.add(listener),
      offLocationChange: (listener) => void this.locationListeners.delete(listener),
      chooseMedia: (o) => {
        const tempFiles = this.device.photos.slice(0, o.count ?? 9).map((file, i) => {
          const tempFilePath = `wxfile://tmp_${this.tempFiles.size + i}.jpg`
          this.tempFiles.set(tempFilePath, file)
          return { tempFilePath, size: fs.statSync(file).size, fileType: 'image' }
        })
        return ok('chooseMedia', o, { tempFiles, type: 'image' })
      },
      chooseImage: (o) => fail('chooseImage', o, 'use chooseMedia'),
      scanCode: (o) => ok('scanCode', o, { result: this.device.scanResult, scanType: 'QR_CODE', charSet: 'utf-8' }),
      previewImage: (o) => ok('previewImage', o),
      enableAlertBeforeUnload: (o) => ok('enableAlertBeforeUnload', o),
      disableAlertBeforeUnload: (o) => ok('disableAlertBeforeUnload', o),
      makePhoneCall: (o) => ok('makePhoneCall', o),
      vibrateShort: (o) => ok('vibrateShort', o),
      setClipboardData: (o) => ok('setClipboardData', o),
      requestSubscribeMessage: (o) => ok('requestSubscribeMessage', o, Object.fromEntries((o.tmplIds ?? []).map((id: string) => [id, 'accept']))),

      showToast: (o) => ok('showToast', o), hideToast: (o) => ok('hideToast', o),
      showLoading: (o) => ok('showLoading', o), hideLoading: (o) => ok('hideLoading', o),
      showModal: (o) => ok('showModal', o, { confirm: true, cancel: false, content: o?.editable ? '' : undefined }),
      showActionSheet: (o) => ok('showActionSheet', o, { tapIndex: 0 }),
      setNavigationBarTitle: (o) => ok('setNavigationBarTitle', o),
      startPullDownRefresh: (o) => ok('startPullDownRefresh', o), stopPullDownRefresh: (o) => ok('stopPullDownRefresh', o),
      pageScrollTo: (o) => ok('pageScrollTo', o),
      navigateTo: (o) => ok('navigateTo', o), redirectTo: (o) => ok('redirectTo', o), reLaunch: (o) => ok('reLaunch', o),
      switchTab: (o) => ok('switchTab', o), navigateBack: (o) => ok('navigateBack', o),
    }
    const recorded: Record<string, unknown> = {}
    for (const [name, impl] of Object.entries(api)) {
      recorded[name] = (options?: any, ...rest: any[]) => {
        this.calls.push({ api: name, options })
        return impl(options, ...rest)
      }
    }
    return recorded
  }

  /** wx.request: the build's API origin is the test server; any other origin is not a registered domain. */
  private request(o: any) {
    const url = this.serverUrl(o.url)
    if (!url) return this.failUnregistered('request', o)
    const method = (o.method ?? 'GET').toUpperCase()
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(o.header ?? {}) }
    let body: string | undefined
    let target = url
    if (method === 'GET' && o.data && typeof o.data === 'object') {
      const query = new URLSearchParams(Object.entries(o.data).map(([k, v]): [string, string] => [k, String(v)])).toString()
      if (query) target += (target.includes('?') ? '&' : '?') + query
    } else if (o.data !== undefined) {
      body = typeof o.data === 'string' ? o.data : JSON.stringify(o.data)
    }
    this.http('request', o, fetch(target, { method, headers, body }), async (res) => {
      const text = await res.text()
      let data: unknown = text
      if (o.dataType !== 'text') {
        try {
          data = JSON.parse(text)
        } catch {
          data = text
        }
      }
      return { data, statusCode: res.status, header: Object.fromEntries(res.headers) }
    })
  }

  private uploadFile(o: any) {
    const url = this.serverUrl(o.url)
    if (!url) return this.failUnregistered('uploadFile', o)
    const file = this.tempFiles.get(o.filePath)
    if (!file) return this.later(() => o.fail?.({ errMsg: 'uploadFile:fail file not found' }))
    const form = new FormData()
    for (const [key, value] of Object.entries(o.formData ?? {})) form.append(key, String(value))
    form.append(o.name, new Blob([fs.readFileSync(file)]), path.basename(o.filePath))
    this.http('uploadFile', o, fetch(url, { method: 'POST', headers: o.header ?? {}, body: form }), async (res) => ({
      data: await res.text(),
      statusCode: res.status,
    }))
  }

  private http(name: string, o: any, response: Promise<Response>, read: (res: Response) => Promise<Record<string, unknown>>) {
    this.pending++
    response
      .then(read)
      .then(
        (result) => {
          o.success?.({ errMsg: `${name}:ok`, ...result })
          o.complete?.({ errMsg: `${name}:ok`, ...result })
        },
        (err) => {
          o.fail?.({ errMsg: `${name}:fail ${String(err)}` })
          o.complete?.({ errMsg: `${name}:fail ${String(err)}` })
        },
      )
      .catch((err) => this.errors.push(err))
      .finally(() => this.pending--)
  }

  private serverUrl(url: string): string | null {
    return url.startsWith(this.origin.apiBase + '/') ? this.origin.server + url.slice(this.origin.apiBase.length) : null
  }

  private failUnregistered(name: string, o: any) {
    this.later(() => {
      const res = { errMsg: `${name}:fail url not in domain list` }
      o.fail?.(res)
      o.complete?.(res)
    })
  }

  private mounted(route: string, instance: Record<string, any>): MountedPage {
    const root = () => instance.data.root as Node | undefined
    const texts = (node: Node | undefined, out: string[] = []): string[] => {
      if (!node || typeof node !== 'object') return out
      if (typeof node.v === 'string') out.push(node.v)
      for (const child of (node.cn ?? []) as Node[]) texts(child, out)
      return out
    }
    const all = (node: Node | undefined, out: Node[] = []): Node[] => {
      if (!node || typeof node !== 'object') return out
      out.push(node)
      for (const child of (node.cn ?? []) as Node[]) all(child, out)
      return out
    }
    const fire = (node: Node | undefined, type: string, detail: Record<string, unknown>) => {
      if (!node) throw new Error(`no such node on ${route}; it shows: ${texts(root()).join(' ')}`)
      const target = { id: node.uid ?? node.sid, dataset: { sid: node.sid } }
      this.guard(() => instance.eh?.call(instance, { type, timeStamp: Date.now(), detail, target, currentTarget: target, mark: {} }))
    }
    return {
      route,
      instance,
      text: () => texts(root()).join(' '),
      byId: (id) => all(root()).find((node) => node.uid === id),
      byText: (text) => all(root()).filter((node) => texts(node).join('').includes(text)),
      parentOf: (node) => all(root()).find((candidate) => ((candidate.cn ?? []) as Node[]).includes(node!)),
      tap: (node) => fire(node, 'tap', { x: 1, y: 1 }),
      input: (node, value) => fire(node, 'input', { value, cursor: value.length, keyCode: 0 }),
      change: (node, value) => fire(node, 'change', { value }),
    }
  }
}

/** Applies one setData key ('root.cn.[0].cn.[2].v', 'a.b[1].c') to `target`. */
function assignPath(target: Record<string, any>, key: string, value: unknown) {
  const parts = key.split(/\.|(?=\[)/).filter(Boolean).map((part) => (/^\[\d+\]$/.test(part) ? Number(part.slice(1, -1)) : part))
  let node: any = target
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!
    if (node[part] === undefined || node[part] === null || typeof node[part] !== 'object') {
      node[part] = typeof parts[i + 1] === 'number' ? [] : {}
    }
    node = node[part]
  }
  node[parts.at(-1)!] = value
}
