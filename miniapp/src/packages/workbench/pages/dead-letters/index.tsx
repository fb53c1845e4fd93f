import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { api, OUTBOX_DESTINATION_LABELS, type OutboxMessageView } from '@anju/shared'
import { call, errorMessage } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { usePageData } from '../../../../hooks/load'
import { useIdempotentSend } from '../../../../hooks/send'
import { useRequireSession } from '../../../../hooks/session'
import { formatDateTime } from '../../../../utils/format'
import { StaffOnly } from '../../components/StaffOnly'
import '../../components/workbench.scss'
import './index.scss'

/** One dead letter: where it was going, what it is about, why it failed, and 重新投递. */
function DeadLetter({ item, onReplayed }: { item: OutboxMessageView; onReplayed: () => void }) {
  const { busy, send } = useIdempotentSend()
  async function replay() {
    try {
      await send((idempotencyKey) => call(api.replayDeadLetter, { params: { id: item.id }, idempotencyKey }))
      Taro.showToast({ title: '已重新排队投递', icon: 'none' })
      onReplayed()
    } catch (err) {
      Taro.showModal({ title: '未能重新投递', content: errorMessage(err), showCancel: false, confirmColor: '#1677ff' })
      onReplayed()
    }
  }
  return (
    <View id={`dead-${item.id}`} className='dead-letter'>
      <View className='dead-letter__top'>
        <Text className='dead-letter__destination'>{OUTBOX_DESTINATION_LABELS[item.destination]}</Text>
        <Text className='dead-letter__time'>{formatDateTime(item.createdAt)}</Text>
      </View>
      <Text className='dead-letter__about'>
        {item.caseNumber ? `案件 ${item.caseNumber}` : `消息 #${item.id}`}
        {item.platformId ? ` · 平台 #${item.platformId}` : ''}
        {item.recipientId ? ` · 接收人 #${item.recipientId}` : ''}
      </Text>
      <Text className='dead-letter__error'>{`${item.lastError ?? '未知原因'}（已尝试 ${item.attempts} 次）`}</Text>
      <View className='wb-actions'>
        <Button id={`replay-${item.id}`} className='btn btn--primary wb-action' loading={busy || undefined} disabled={busy || undefined} onClick={() => void replay()}>
          重新投递
        </Button>
      </View>
    </View>
  )
}

/**
 * Dead letters in the administrator's region: messages that failed their last attempt or were refused as such.
 * Each holds back the later messages of its stream (that case's events to that platform, that user's messages)
 * until it is replayed.
 */
export default function DeadLettersPage() {
  const session = useRequireSession()
  const { data, error, reload } = usePageData(() => call(api.deadLetters))
  if (!session) return <Screen>{null}</Screen>
  if (session.user.role !== 'admin') return <StaffOnly text='仅管理员可以查看投递失败的消息' />
  return (
      <Screen>
        <Section>
          <Text className='dead-letters__intro'>以下消息投递失败，同一案件发往同一平台（或同一用户）的后续消息会等它送达后再发。修复对方问题后可重新投递。</Text>
        </Section>
        {error && !data ? <LoadError message={error} onRetry={() => void reload()} /> : null}
        {!data && !error ? <Text className='muted wb-state'>加载中…</Text> : null}
        {data ? (
          <Section title={`共 ${data.items.length} 条`}>
            {data.items.length === 0 ? <EmptyState text='没有投递失败的消息' hint='外部平台和微信提醒都已送达' /> : null}
            {data.items.map((item) => (
              <DeadLetter key={item.id} item={item} onReplayed={() => void reload()} />
            ))}
          </Section>
        ) : null}
      </Screen>
  )
}
