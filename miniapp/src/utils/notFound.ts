import Taro from '@tarojs/taro'

export const NOT_FOUND_PAGE = '/pages/not-found/index'

/**
 * Sends an address that names no page to 页面不存在. Taro raises onPageNotFound on both platforms: weapp when a
 * shared card or QR code opens a page the app no longer has (WeChat wants the redirect made synchronously,
 * inside the callback), h5 when the address (a bookmark, a typed link, a navigateTo) matches no route.
 */
export function watchMissingPages() {
  Taro.onPageNotFound(({ path }) => {
    const stripped = path.replace(/^\/+/, '')
    if (`/${stripped}` === NOT_FOUND_PAGE) return
    void Taro.redirectTo({ url: `${NOT_FOUND_PAGE}?path=${encodeURIComponent(`/${stripped}`)}` })
  })
}
