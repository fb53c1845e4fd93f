import Taro from '@tarojs/taro'
import type { PrivacyAnswer, PrivacyRequest } from '../../platform'

/*
 * WeChat pauses a privacy-relevant API (getLocation, chooseMedia, scanCode...) until the user answers the
 * privacy prompt. The app hands each prompt here; the PrivacyDialog mounted by every Screen shows it.
 * Agreeing must come from a tap on a button with open-type="agreePrivacyAuthorization", so a plain
 * showModal cannot stand in for the dialog.
 */
let pending: PrivacyRequest | null = null
const listeners = new Set<() => void>()

function notify() {
  listeners.forEach((listener) => listener())
}

export function askPrivacyConsent(resolve: PrivacyRequest) {
  if (listeners.size === 0) {
    resolve({ event: 'disagree' })
    Taro.showToast({ title: '请同意隐私保护指引后再使用该功能', icon: 'none' })
    return
  }
  pending?.({ event: 'disagree' })
  pending = resolve
  resolve({ event: 'exposureAuthorization' })
  notify()
}

export function answerPrivacyConsent(answer: PrivacyAnswer) {
  const resolve = pending
  pending = null
  notify()
  resolve?.(answer)
}

export function isPrivacyConsentPending(): boolean {
  return pending !== null
}

export function subscribePrivacyConsent(listener: () => void): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}
