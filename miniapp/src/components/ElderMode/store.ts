import Taro from '@tarojs/taro'

/*
 * 长辈模式: larger type throughout and a simpler home page. It is a setting of this device (an older
 * resident's own phone), not of the account, so it lives in local storage and needs no server.
 */
const STORAGE_KEY = 'anju.elderMode'
/** The class that turns the scale on: every page's <Screen> root carries it, and <html> on h5. */
export const ELDER_CLASS = 'elder'

const listeners = new Set<() => void>()
let on = readStored()

function readStored(): boolean {
  try {
    return Taro.getStorageSync(STORAGE_KEY) === true
  } catch {
    return false
  }
}

/**
 * On h5 the tab bar and Taro's dialogs live outside the pages, so the root element carries the class too.
 * The mini program's native tab bar and dialogs follow the phone's own font size instead.
 */
function applyToDocument() {
  if (process.env.TARO_ENV === 'h5') document.documentElement.classList.toggle(ELDER_CLASS, on)
}
applyToDocument()

export function isElderMode(): boolean {
  return on
}

export function setElderMode(next: boolean) {
  if (next === on) return
  on = next
  try {
    Taro.setStorageSync(STORAGE_KEY, next)
  } catch {
    // Storage full or unavailable: the mode still applies until the app is closed.
  }
  applyToDocument()
  listeners.forEach((listener) => listener())
}

export function subscribeElderMode(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}
