import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import { api, type AuthSession } from '@anju/shared'
import { call, errorMessage, getSession, isApiError, saveAuthSession } from '../../api'
import { Screen } from '../../components/Screen'
import { Section } from '../../components/Section'
import { HOME_PAGE } from '../../hooks/session'
import { platform } from '../../platform'
import { ACCOUNT_PAGES } from '../../utils/routes'
import './index.scss'

type Method = 'wechat' | 'dev' | 'staff'

// loading/disabled are passed as `true` or left out: on h5 a `disabled="false"` attribute still matches
// Taro's taro-button-core[disabled] style and greys the button out.

export default function LoginPage() {
  const [busy, setBusy] = useState<Method | null>(null)
  const [error, setError] = useState('')
  const [handle, setHandle] = useState('demo')
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')

  // Still signed in from last time: straight home. (Only on mount: a token refresh elsewhere also
  // changes the session, and must not navigate again while the user is already moving between tabs.)
  useEffect(() => {
    if (getSession()) Taro.switchTab({ url: HOME_PAGE })
  }, [])

  async function signIn(method: Method, obtain: () => Promise<AuthSession>) {
    if (busy) return
    setBusy(method)
    setError('')
    try {
      saveAuthSession(await obtain())
      Taro.showToast({ title: '登录成功', icon: 'success' })
      Taro.switchTab({ url: HOME_PAGE })
    } catch (err) {
      const message = errorMessage(err)
      setError(message)
      Taro.showToast({ title: message, icon: 'none', duration: 2500 })
    } finally {
      setBusy(null)
    }
  }

  /**
   * A wx.login code works once. When it turns out spent (the first answer was lost and the request sent again,
   * or the code sat too long), one fresh code is fetched and tried, so the resident does not have to tap twice.
   */
  const wechatLogin = () =>
    signIn('wechat', async () => {
      try {
        return await call(api.wechatLogin, { body: { code: await platform.loginCode() } })
      } catch (err) {
        if (!isApiError(err) || err.code !== 'WECHAT_CODE_INVALID') throw err
        return call(api.wechatLogin, { body: { code: await platform.loginCode() } })
      }
    })
  const devLogin = () => signIn('dev', () => call(api.devLogin, { body: { handle } }))
  const staffLogin = () => signIn('staff', () => call(api.staffLogin, { body: { username, password } }))

  return (
    <Screen className='login'>
      <View className='login__hero'>
        <Text className='login__brand'>安居</Text>
        <Text className='login__slogan'>随手拍 · 平安积分 · 共建共治</Text>
      </View>

      {error ? <Text className='form-error login__error'>{error}</Text> : null}

      {platform.loginMethods.includes('wechat') ? (
        <Section className='login__card'>
          <Button
            className='btn btn--wechat'
            loading={busy === 'wechat' || undefined}
            disabled={busy !== null || undefined}
            onClick={wechatLogin}
          >
            微信一键登录
          </Button>
          <Text className='muted login__note'>我们不会获取您的手机号</Text>
        </Section>
      ) : null}

      {platform.loginMethods.includes('dev') ? (
        <Section title='开发环境登录' className='login__card login__card--dev'>
          <View className='field'>
            <Text className='field__label'>用户标识</Text>
            <Input
              id='dev-handle'
              className='field__input'
              value={handle}
              placeholder='小写字母、数字，例如 demo'
              maxlength={32}
              onInput={(e) => setHandle(e.detail.value)}
            />
          </View>
          <Button
            id='dev-login'
            className='btn btn--primary'
            loading={busy === 'dev' || undefined}
            disabled={busy !== null || undefined}
            onClick={devLogin}
          >
            开发登录
          </Button>
        </Section>
      ) : null}

      <Section title='工作人员账号' className='login__card login__card--staff'>
        <View className='field'>
          <Text className='field__label'>用户名</Text>
          <Input
            id='staff-username'
            className='field__input'
            value={username}
            placeholder='请输入用户名'
            maxlength={64}
            onInput={(e) => setUsername(e.detail.value)}
          />
        </View>
        <View className='field'>
          <Text className='field__label'>密码</Text>
          <Input
            id='staff-password'
            className='field__input'
            value={password}
            password
            placeholder='请输入密码'
            maxlength={128}
            onInput={(e) => setPassword(e.detail.value)}
            onConfirm={staffLogin}
          />
        </View>
        <Button
          id='staff-login'
          className='btn btn--plain'
          loading={busy === 'staff' || undefined}
          disabled={busy !== null || undefined}
          onClick={staffLogin}
        >
          工作人员登录
        </Button>
      </Section>

      <View className='login__agreement'>
        <Text>登录即表示您已阅读并同意</Text>
        <Text id='login-terms' className='login__link' onClick={() => Taro.navigateTo({ url: ACCOUNT_PAGES.terms })}>《用户协议》</Text>
        <Text>和</Text>
        <Text id='login-privacy' className='login__link' onClick={() => Taro.navigateTo({ url: ACCOUNT_PAGES.privacy })}>《隐私政策》</Text>
      </View>
    </Screen>
  )
}
