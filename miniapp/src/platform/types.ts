/** How a user can sign in on this platform (staff password login works everywhere and is not listed). */
export type LoginMethod = 'wechat' | 'dev'

/** What the privacy dialog answers to WeChat's onNeedPrivacyAuthorization. */
export type PrivacyAnswer =
  | { event: 'exposureAuthorization' }
  | { event: 'agree'; buttonId: string }
  | { event: 'disagree' }

export type PrivacyRequest = (answer: PrivacyAnswer) => void

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
  /** Registers the handler for WeChat's privacy prompt; a no-op where there is no such prompt. */
  onPrivacyAuthorizationNeeded(handler: (resolve: PrivacyRequest) => void): void
  /** Opens the privacy agreement declared in the mini program's admin settings. */
  openPrivacyContract(): void
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
