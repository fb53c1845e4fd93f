import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { Role } from '@anju/shared'
import { Section } from '../../../components/Section'
import { WORKBENCH_PAGES } from '../../../utils/routes'
import { isReviewerRole } from '../reviewer'
import './workbench.scss'

const TOOLS = [
  { id: 'wb-awards', mark: '审', label: '积分审核', hint: '审核居民的积分奖励，可批量通过', url: WORKBENCH_PAGES.awards },
  { id: 'wb-pickup', mark: '核', label: '兑换核销', hint: '扫码或输入领取码，发放礼品', url: WORKBENCH_PAGES.pickup },
  { id: 'wb-rewards', mark: '礼', label: '礼品管理', hint: '上架、修改和下架积分商城的礼品', url: WORKBENCH_PAGES.rewards },
  { id: 'wb-manual-award', mark: '奖', label: '好人好事奖励', hint: '为居民提出奖励，由另一名工作人员审核', url: WORKBENCH_PAGES.manualAward },
  { id: 'wb-award-policy', mark: '规', label: '积分规则', hint: '各区域的奖励规则、每人上限、月度预算和积分有效期', url: WORKBENCH_PAGES.awardPolicy },
] as const

/**
 * The workbench's points tools: for the roles that review awards, run the rewards catalogue and hand rewards out.
 * 积分规则 is read-only for all but administrators.
 */
export function PointsTools({ role }: { role: Role }) {
  if (!isReviewerRole(role)) return null
  return (
    <Section title='积分与兑换'>
      {TOOLS.map((tool) => (
        <View
          key={tool.id}
          id={tool.id}
          className='wb-entry'
          hoverClass='wb-entry--pressed'
          onClick={() => Taro.navigateTo({ url: tool.url })}
        >
          <View className='wb-entry__mark'>{tool.mark}</View>
          <View className='wb-entry__body'>
            <Text className='wb-entry__label'>{tool.label}</Text>
            <Text className='wb-entry__hint'>{tool.hint}</Text>
          </View>
          <Text className='wb-entry__arrow'>›</Text>
        </View>
      ))}
    </Section>
  )
}
