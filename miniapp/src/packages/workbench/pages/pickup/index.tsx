import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import { RedemptionCodeParam, api, type RedemptionView } from '@anju/shared'
import { call, errorMessage } from '../../../../api'
import { StatusChip } from '../../../../components/RedemptionStatus'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { useRequireSession } from '../../../../hooks/session'
import { PlatformCancelledError, platform } from '../../../../platform'
import { formatDateTime } from '../../../../utils/format'
import { StaffOnly } from '../../components/StaffOnly'
import { isReviewerRole } from '../../reviewer'
import '../../components/workbench.scss'
import './index.scss'

/** 兑换核销: find a redemption by its pickup code (scanned on weapp, typed anywhere), then hand it over. */
export default function PickupPage() {
  const session = useRequireSession()
  const [code, setCode] = useState('')
  const [redemption, setRedemption] = useState<RedemptionView | null>(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState<'lookup' | 'fulfil' | null>(null)

  if (!session) return <Screen>{null}</Screen>
  if (!isReviewerRole(session.user.role)) return <StaffOnly text='仅社区工作人员可以核销兑换' />

  async function lookup(raw: string) {
    if (busy) return
    const parsed = RedemptionCodeParam.safeParse({ code: raw })
    setRedemption(null)
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? '领取码格式有误')
      return
    }
    setCode(parsed.data.code)
    setBusy('lookup')
    setError('')
    try {
      setRedemption(await call(api.lookupRedemption, { params: { code: parsed.data.code } }))
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(null)
    }
  }

  async function scan() {
    try {
      await lookup(await platform.scanCode())
    } catch (err) {
      if (!(err instanceof PlatformCancelledError)) Taro.showToast({ title: errorMessage(err), icon: 'none' })
    }
  }

  async function fulfil() {
    if (!redemption || busy) return
    setBusy('fulfil')
    setError('')
    try {
      setRedemption(await call(api.fulfilRedemption, { body: { code: redemption.code } }))
      Taro.showToast({ title: '核销成功', icon: 'success' })
    } catch (err) {
      setError(errorMessage(err))
      // The answer may have changed under us (cancelled, expired, fulfilled at another counter): show it as it is now.
      call(api.lookupRedemption, { params: { code: redemption.code } }).then(setRedemption, () => undefined)
    } finally {
      setBusy(null)
    }
  }

  return (
    <Screen className='pickup'>
      {platform.canScan ? (
        <Section>
          <Button id='pickup-scan' className='btn btn--primary' onClick={() => void scan()}>
            扫码核销
          </Button>
          <Text className='muted pickup__hint'>扫描居民出示的领取二维码</Text>
        </Section>
      ) : null}

      <Section title={platform.canScan ? '或输入领取码' : '输入领取码'}>
        <View className='field'>
          <Input
            id='pickup-code'
            className='field__input pickup__input'
            value={code}
            placeholder='例如 ABCD-EFGH-JKMN-PQRS'
            maxlength={40}
            confirmType='search'
            onInput={(e) => setCode(e.detail.value)}
            onConfirm={() => void lookup(code)}
          />
        </View>
        <Button
          id='pickup-lookup'
          className='btn btn--plain'
          loading={busy === 'lookup' || undefined}
          disabled={busy !== null || !code.trim() || undefined}
          onClick={() => void lookup(code)}
        >
          查询
        </Button>
        <Text className='muted pickup__hint'>16 位字母或数字；大小写、空格和横线都不影响</Text>
        {!platform.canScan ? <Text className='muted pickup__hint'>网页版不支持扫码，请输入居民读出的领取码</Text> : null}
      </Section>

      {error ? <Text className='form-error pickup__error' id='pickup-error'>{error}</Text> : null}

      {redemption ? (
        <Section title='兑换信息' className='pickup__result'>
          <View className='wb-kv'>
            <Text className='wb-kv__key'>状态</Text>
            <View className='wb-kv__value'>
              <StatusChip id='pickup-status' status={redemption.status} />
            </View>
          </View>
          <View className='wb-kv'>
            <Text className='wb-kv__key'>居民</Text>
            <Text className='wb-kv__value' id='pickup-resident'>{redemption.resident?.displayName ?? '—'}</Text>
          </View>
          <View className='wb-kv'>
            <Text className='wb-kv__key'>礼品</Text>
            <Text className='wb-kv__value' id='pickup-reward'>{redemption.reward.title}</Text>
          </View>
          <View className='wb-kv'>
            <Text className='wb-kv__key'>积分</Text>
            <Text className='wb-kv__value'>{redemption.points}</Text>
          </View>
          <View className='wb-kv'>
            <Text className='wb-kv__key'>领取码</Text>
            <Text className='wb-kv__value'>{redemption.code}</Text>
          </View>
          <View className='wb-kv'>
            <Text className='wb-kv__key'>{redemption.closedAt ? '办结时间' : '有效期至'}</Text>
            <Text className='wb-kv__value'>{formatDateTime(redemption.closedAt ?? redemption.expiresAt)}</Text>
          </View>
          {redemption.actions.includes('fulfil') ? (
            <Button
              id='pickup-fulfil'
              className='btn btn--primary pickup__fulfil'
              loading={busy === 'fulfil' || undefined}
              disabled={busy !== null || undefined}
              onClick={() => void fulfil()}
            >
              确认核销
            </Button>
          ) : redemption.status === 'reserved' ? (
            <Text className='muted pickup__hint'>领取码已过期，不能核销</Text>
          ) : null}
        </Section>
      ) : null}
    </Screen>
  )
}
