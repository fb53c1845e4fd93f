import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import { ChangePasswordInput, PASSWORD_MIN_LENGTH, api, isStaffRole } from '@anju/shared'
import { call, errorMessage, saveAuthSession } from '../../../../api'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useIdempotentSend } from '../../../../hooks/send'
import { useRequireSession } from '../../../../hooks/session'
import { StaffOnly } from '../../components/StaffOnly'
import '../../components/workbench.scss'
import './index.scss'

/**
 * 修改密码 for staff accounts. The server ends every session of the account (other phones are logged out) and
 * answers with a new session for this one, which replaces the stored tokens.
 */
export default function PasswordPage() {
  const session = useRequireSession()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [repeat, setRepeat] = useState('')
  const [error, setError] = useState('')
  const { busy, send, forget } = useIdempotentSend()

  if (!session) return <Screen>{null}</Screen>
  if (!isStaffRole(session.user.role)) return <StaffOnly text='仅工作人员账号可以修改密码' />

  const edit = (set: (value: string) => void) => (value: string) => {
    set(value)
    forget()
    setError('')
  }

  async function submit() {
    if (busy) return
    const parsed = ChangePasswordInput.safeParse({ currentPassword: current, newPassword: next })
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? '请检查填写的内容')
      return
    }
    if (next !== repeat) {
      setError('两次输入的新密码不一致')
      return
    }
    setError('')
    try {
      const renewed = await send((idempotencyKey) => call(api.changePassword, { body: parsed.data, idempotencyKey }))
      saveAuthSession(renewed)
      Taro.showToast({ title: '密码已修改', icon: 'success' })
      setTimeout(() => Taro.navigateBack(), 800)
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  const field = (id: string, label: string, value: string, set: (v: string) => void, placeholder: string) => (
    <View className='field'>
      <Text className='field__label'>{label}</Text>
      <Input
        id={id}
        className='field__input'
        value={value}
        password
        placeholder={placeholder}
        maxlength={128}
        onInput={(e) => edit(set)(e.detail.value)}
      />
    </View>
  )

  return (
    <Screen className='password'>
      <Section>
        <Text className='password__explain'>
          {`新密码至少 ${PASSWORD_MIN_LENGTH} 位，须同时包含字母和数字或符号。修改后，登录此账号的其他手机都会退出登录。`}
        </Text>
      </Section>
      <Section title={`账号：${session.user.displayName}`}>
        {field('password-current', '当前密码', current, setCurrent, '请输入当前密码')}
        {field('password-new', '新密码', next, setNext, `至少 ${PASSWORD_MIN_LENGTH} 位`)}
        {field('password-repeat', '确认新密码', repeat, setRepeat, '再次输入新密码')}
        {error ? <Text className='form-error' id='password-error'>{error}</Text> : null}
        <Button
          id='password-submit'
          className='btn btn--primary'
          loading={busy || undefined}
          disabled={busy || undefined}
          onClick={() => void submit()}
        >
          确认修改
        </Button>
      </Section>
    </Screen>
  )
}
