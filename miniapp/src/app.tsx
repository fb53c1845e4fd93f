import './engine'
import type { PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import { platform } from './platform'
import { askPrivacyConsent } from './components/PrivacyDialog/consent'
import './app.scss'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    platform.onPrivacyAuthorizationNeeded(askPrivacyConsent)
  })

  // children are the pages
  return children
}

export default App
