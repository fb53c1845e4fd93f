import { Text, View } from '@tarojs/components'
import { CASE_STATUS_LABELS, type CaseView } from '@anju/shared'
import { CaseDeadlines } from '../CaseDeadlines'
import './index.scss'

/**
 * One case in a list: number, category, status chip, overdue badge, address; for handlers (`showDeadline`) the
 * deadline it is working against, counted down.
 */
export function CaseCard({ item, onClick, showDeadline = false }: { item: CaseView; onClick?: () => void; showDeadline?: boolean }) {
  return (
    <View className={`case-card case-card--${item.colour}`} onClick={onClick} id={`case-${item.id}`}>
      <View className='case-card__top'>
        <Text className='case-card__category'>{item.category.name}</Text>
        <Text className={`case-chip case-chip--${item.status}`}>{CASE_STATUS_LABELS[item.status]}</Text>
      </View>
      <Text className='case-card__text'>{item.visibility === 'summary' ? '他人反映的问题，您已关注进展' : item.text}</Text>
      <View className='case-card__meta'>
        <Text>{item.number}</Text>
        {item.overdue ? <Text className='case-badge case-badge--overdue'>超期</Text> : null}
        {item.relation === 'follower' ? <Text className='case-badge'>关注中</Text> : null}
      </View>
      <Text className='case-card__address'>{item.location.address}</Text>
      {showDeadline ? <CaseDeadlines item={item} compact /> : null}
    </View>
  )
}
