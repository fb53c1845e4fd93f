import './engine'
import type { PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import { platform } from './platform'
import { askPrivacyConsent } from './components/PrivacyDialog/consent'
import { OfflineNotice, watchNavigationFailures } from './components/OfflineNotice'
import { watchMissingPages } from './utils/notFound'
import './app.scss'
import './styles/legibility.scss'

// Before the router opens the first page, so a missing entry page and a failed first chunk are caught too.
watchMissingPages()
watchNavigationFailures()

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    platform.onPrivacyAuthorizationNeeded(askPrivacyConsent)
  })

  // children are the pages; on h5 the app also draws what lives above them (the mini program has its own).
  return process.env.TARO_ENV === 'h5' ? (
    <>
      {children}
      <OfflineNotice />
    </>
  ) : (
    children
  )
}

export default App
