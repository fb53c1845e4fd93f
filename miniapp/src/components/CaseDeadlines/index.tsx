import { Text, View } from '@tarojs/components'
import { runningDeadline, type CaseView } from '@anju/shared'
import { formatDateTime, formatDueIn } from '../../utils/format'
import './index.scss'

/**
 * A case's two deadlines (受理, 办结) with the one it is working against now counted down, red once passed.
 * `compact` shows only the running one, for lists.
 */
export function CaseDeadlines({ item, compact = false, now = Date.now() }: { item: CaseView; compact?: boolean; now?: number }) {
  const running = runningDeadline(item.status)
  const rows = [
    { kind: 'response' as const, label: '受理时限', at: item.responseDueAt },
    { kind: 'resolve' as const, label: '办结时限', at: item.resolveDueAt },
  ].filter((r) => !compact || r.kind === running)
  if (!rows.length) return null
  return (
    <View className={compact ? 'case-deadlines case-deadlines--compact' : 'case-deadlines'}>
      {rows.map((r) => {
        const live = r.kind === running
        const late = live && new Date(r.at).getTime() < now
        return (
          <View key={r.kind} className={`case-deadlines__row case-deadlines__row--${r.kind}${live ? ' case-deadlines__row--live' : ''}${late ? ' case-deadlines__row--late' : ''}`}>
            <Text className='case-deadlines__label'>{r.label}</Text>
            <Text className='case-deadlines__at'>{compact ? '' : formatDateTime(r.at)}</Text>
            {live ? <Text className='case-deadlines__left'>{formatDueIn(r.at, now)}</Text> : null}
          </View>
        )
      })}
    </View>
  )
}
