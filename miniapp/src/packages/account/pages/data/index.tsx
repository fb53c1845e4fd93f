import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { api, CASE_STATUS_LABELS, CONSENT_LABELS, REPORT_KIND_LABELS, ROLE_LABELS, type ConsentView, type MyDataExport } from '@anju/shared'
import { call, clearSession, errorMessage } from '../../../../api'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { usePageData } from '../../../../hooks/load'
import { goToLogin, useRequireSession } from '../../../../hooks/session'
import { platform } from '../../../../platform'
import { formatDate, formatDateTime } from '../../../../utils/format'
import { ACCOUNT_PAGES } from '../../../../utils/routes'
import '../../account.scss'

/** At most this many reports are listed on the page; the export carries all of them. */
const LISTED_REPORTS = 20

function Row({ label, value, id }: { label: string; value: string; id?: string }) {
  return (
    <View className='data-row'>
      <Text className='data-row__label'>{label}</Text>
      <Text className='data-row__value' id={id}>{value}</Text>
    </View>
  )
}

/** 我的数据: what the platform holds about the resident, its export as JSON, single consents and 注销. */
export default function MyDataPage() {
  const session = useRequireSession()
  const { data, loading, error, reload } = usePageData(() => (session ? call(api.myData) : Promise.resolve(null)))
  const [consents, setConsents] = useState<ConsentView[] | null>(null)
  const [busy, setBusy] = useState(false)
  const [actionError, setActionError] = useState('')

  if (!session) return <Screen>{null}</Screen>
  const shownConsents = consents ?? data?.consents ?? []

  async function exportData(mine: MyDataExport) {
    setActionError('')
    try {
      // Called straight from the tap: WeChat hands files over only from a user gesture.
      await platform.saveTextFile(`anju-my-data-${Date.now()}.json`, JSON.stringify(mine, null, 2))
    } catch (err) {
      setActionError(errorMessage(err))
    }
  }

  async function withdraw(consent: ConsentView) {
    const { confirm } = await Taro.showModal({
      title: '撤回授权',
      content: `撤回“${CONSENT_LABELS[consent.kind]}”后，下次开始巡逻时会再次询问。`,
      confirmText: '撤回',
      confirmColor: '#cb2634',
    })
    if (!confirm) return
    setActionError('')
    try {
      const answer = await call(api.setConsent, { body: { kind: consent.kind, granted: false } })
      setConsents(answer.items)
      Taro.showToast({ title: '已撤回', icon: 'success' })
    } catch (err) {
      setActionError(errorMessage(err))
    }
  }

  async function closeAccount() {
    if (busy) return
    const { confirm } = await Taro.showModal({
      title: '注销账号',
      content: '注销后，您的姓名、微信身份和联系方式将被删除，未用完的积分作废，所有设备退出登录，且无法恢复。未办结的诉求会继续办理，但不再显示提交人。',
      confirmText: '确定注销',
      cancelText: '再想想',
      confirmColor: '#cb2634',
    })
    if (!confirm) return
    setBusy(true)
    setActionError('')
    try {
      await call(api.closeAccount, { body: { confirm: '注销账号' } })
      // The device forgets the (already revoked) session only after the notice: forgetting it sends every page
      // that needs a session to the login page, which would sweep the notice away unread.
      await Taro.showModal({ title: '账号已注销', content: '感谢您对社区平安的支持。', showCancel: false, confirmText: '确定' })
      clearSession()
      goToLogin()
    } catch (err) {
      setActionError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  if (!data) {
    return (
      <Screen className='my-data'>
        {error ? <LoadError message={error} onRetry={() => void reload()} /> : <Text className='account-state'>{loading ? '加载中…' : ''}</Text>}
      </Screen>
    )
  }

  const { account, retention, reports } = data
  return (
    <Screen className='my-data'>
      <Section title='账号'>
        <Row label='编号' value={String(account.id)} />
        <Row label='姓名' value={account.displayName} />
        <Row label='身份' value={ROLE_LABELS[account.role]} />
        <Row label='所在社区' value={account.region?.name ?? '未绑定社区'} />
        <Row label='注册时间' value={formatDate(account.createdAt)} />
      </Section>

      <Section title='我的记录'>
        <Row label='我提交的诉求' value={`${reports.length} 条`} id='my-data-reports' />
        <Row label='我关注的诉求' value={`${data.following.length} 条`} />
        <Row label='巡逻记录' value={`${data.patrols.length} 次`} />
        <Row label='积分余额' value={`${data.points.balance} 分`} />
        <Row label='积分流水' value={`${data.points.entries.length} 条`} />
        <Row label='兑换记录' value={`${data.redemptions.length} 条`} />
      </Section>

      {reports.length > 0 ? (
        <Section title='我提交的诉求'>
          {reports.slice(0, LISTED_REPORTS).map((r) => (
            <View key={r.number} className='data-report'>
              <View className='data-report__head'>
                <Text>{r.number} · {REPORT_KIND_LABELS[r.kind]} · {r.category}</Text>
                <Text>{CASE_STATUS_LABELS[r.status]}</Text>
              </View>
              <Text className='data-report__text'>{r.text}</Text>
            </View>
          ))}
          {reports.length > LISTED_REPORTS ? <Text className='data-note'>只列出最近 {LISTED_REPORTS} 条，导出的文件中有全部记录。</Text> : null}
        </Section>
      ) : null}

      <Section title='单独授权'>
        <View id='my-data-consents'>
          {shownConsents.length === 0 ? <Text className='data-note'>暂无。开始巡逻时会询问是否同意记录位置轨迹。</Text> : null}
          {shownConsents.map((c) => (
            <View key={c.kind} className='data-row data-consent'>
              <View className='data-consent__main'>
                <Text className='data-consent__label'>{CONSENT_LABELS[c.kind]}</Text>
                <Text className='data-consent__meta'>同意于 {formatDateTime(c.grantedAt)}</Text>
              </View>
              <Button className='btn btn--plain data-consent__withdraw' onClick={() => void withdraw(c)}>撤回</Button>
            </View>
          ))}
        </View>
      </Section>

      <Section title='保存期限'>
        <Text className='data-note'>
          巡逻位置轨迹保存 {retention.patrolTrackDays} 天，照片原图（含拍摄信息）保存 {retention.uploadOriginalDays} 天，到期自动删除。
        </Text>
      </Section>

      <Section title='导出与注销'>
        <Text className='data-note'>导出为 JSON 文件，包含账号、诉求、巡逻轨迹、积分流水、兑换记录和通知。</Text>
        {actionError ? <Text className='form-error'>{actionError}</Text> : null}
        <View className='data-actions'>
          <Button id='my-data-export' className='btn btn--primary data-action' onClick={() => void exportData(data)}>导出我的数据</Button>
          <Button id='my-data-close' className='btn btn--danger data-action' disabled={busy} loading={busy} onClick={() => void closeAccount()}>
            注销账号
          </Button>
        </View>
      </Section>

      <View className='data-links'>
        <Text className='data-link' onClick={() => Taro.navigateTo({ url: ACCOUNT_PAGES.privacy })}>隐私政策</Text>
        <Text className='data-link' onClick={() => Taro.navigateTo({ url: ACCOUNT_PAGES.terms })}>用户协议</Text>
      </View>
    </Screen>
  )
}
