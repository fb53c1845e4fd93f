/** How a user can sign in on this platform (staff password login works everywhere and is not listed). */
export type LoginMethod = 'wechat' | 'dev'

/** What the privacy dialog answers to WeChat's onNeedPrivacyAuthorization. */
export type PrivacyAnswer =
  | { event: 'exposureAuthorization' }
  | { event: 'agree'; buttonId: string }
  | { event: 'disagree' }

export type PrivacyRequest = (answer: PrivacyAnswer) => void

/** A position fix: latitude and longitude in GCJ-02 on every platform (h5 converts the browser's WGS-84), accuracy in metres (null when unknown), time in ms. */
export interface LocationFix {
  lat: number
  lng: number
  accuracy: number | null
  t: number
}

/** What the user chose for one template in the subscribe prompt. */
export type SubscribeChoice = 'accept' | 'reject' | 'ban' | 'filter'

/** Everything platform-only the app uses. Pages and the API client never call wx-only APIs directly. */
export interface PlatformAdapter {
  name: 'weapp' | 'h5'
  loginMethods: LoginMethod[]
  /** A one-time WeChat login code (valid five minutes). Rejects with PlatformUnavailableError on h5. */
  loginCode(): Promise<string>
  /** Whether scanCode can work here; where it cannot, offer manual entry instead. */
  canScan: boolean
  /** The text of a scanned QR code, camera only. Rejects with PlatformUnavailableError on h5. */
  scanCode(): Promise<string>
  /** The current position; rejects with a Chinese message when it is refused or unavailable. */
  getLocation(): Promise<LocationFix>
  /**
   * Calls `onFix` with each new position (foreground only). Resolves, once updates have started, to the
   * function that stops watching; rejects with a Chinese message saying how to allow location when they
   * cannot start (privacy guide or location refused), so a patrol never runs without its track.
   */
  watchLocation(onFix: (fix: LocationFix) => void): Promise<() => void>
  /** Registers the handler for WeChat's privacy prompt; a no-op where there is no such prompt. */
  onPrivacyAuthorizationNeeded(handler: (resolve: PrivacyRequest) => void): void
  /** Opens the privacy agreement declared in the mini program's admin settings. */
  openPrivacyContract(): void
  /**
   * Whether the app declares this page (e.g. '/packages/report/pages/detail/index', query ignored), so
   * links to pages that a later sub-package adds can be shown as plain text until it exists.
   */
  hasPage(url: string): boolean
  /** Lets the user pick (or take) up to `count` photos, compressed; answers local file paths. */
  choosePhotos(count: number): Promise<string[]>
  /**
   * Asks the user before they leave the current page with unsent work (WeChat's back-navigation prompt; a
   * browser's leave-page prompt on h5). Returns the function that stops asking.
   */
  confirmBeforeLeaving(message: string): () => void
  /**
   * wx.requestSubscribeMessage: asks the user to allow these subscribe-message templates (at most three; only
   * from a tap, so call it before any other await in the handler). Answers each template's choice; nothing on h5.
   */
  requestSubscribe(templateIds: string[]): Promise<Record<string, SubscribeChoice>>
  /** Uploads one local file as multipart field `file`; answers the HTTP status and the body text. */
  uploadFile(url: string, filePath: string, header: Record<string, string>): Promise<{ status: number; body: string }>
  /**
   * Hands the user a text file to keep (我的数据的导出): a download in the browser; on WeChat, a file sent to a
   * chat of their choosing (shareFileMessage, which needs a tap: call it straight from one).
   */
  saveTextFile(fileName: string, text: string): Promise<void>
}

/** 'packages/x/pages/y/index' from '/packages/x/pages/y/index?id=1'. */
export function pagePathOf(url: string): string {
  return url.split('?')[0]!.replace(/^\/+/, '')
}

/** Thrown when a platform-only feature is asked for on a platform that lacks it. */
export class PlatformUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PlatformUnavailableError'
  }
}

/** Thrown when the user backs out (closes the scanner, say): callers usually stay silent. */
export class PlatformCancelledError extends Error {
  constructor(message = '已取消') {
    super(message)
    this.name = 'PlatformCancelledError'
  }
}
