import { Button, Text, View } from '@tarojs/components'
import { CASE_STATUS_LABELS, type DuplicateCandidate } from '@anju/shared'
import '../../../components/CaseCard/index.scss'
import { Section } from '../../../components/Section'
import { formatAgo } from '../../../utils/format'

/**
 * Before sending: an open case nearby that may be the same problem. The resident decides; following it adds
 * their report to that case (its handlers see it) and they follow its progress.
 */
export function DuplicatePrompt({ candidates, busy, onFollow, onNew }: {
  candidates: DuplicateCandidate[]
  busy: boolean
  onFollow: (id: number) => void
  onNew: () => void
}) {
  return (
    <Section title='附近已有相似的问题' className='report__duplicate'>
      <Text className='report__duplicate-hint'>是同一件事吗？是的话，您的描述和照片会补充到该案件，您可以跟进它的办理进度。</Text>
      {candidates.map((c) => (
        <View key={c.id} className='report__candidate' id={`candidate-${c.id}`}>
          <View className='report__candidate-head'>
            <Text className='report__candidate-title'>{`${c.category.name} · ${c.number}`}</Text>
            <Text className={`case-chip case-chip--${c.status}`}>{CASE_STATUS_LABELS[c.status]}</Text>
          </View>
          <Text className='muted'>{`${formatAgo(c.createdAt)}提交 · 距您约 ${c.distanceM} 米 · ${c.region.name}办理${c.followers ? ` · ${c.followers} 人关注` : ''}`}</Text>
          <Button className='btn btn--primary report__candidate-follow' id={`follow-${c.id}`} disabled={busy} onClick={() => onFollow(c.id)}>是同一问题，关注它</Button>
        </View>
      ))}
      <Button className='btn btn--plain' id='report-file-anew' disabled={busy} onClick={onNew}>不是，作为新问题提交</Button>
    </Section>
  )
}
