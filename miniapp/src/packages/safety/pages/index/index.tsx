import { Text, View } from '@tarojs/components'
import { api } from '@anju/shared'
import { call } from '../../../../api'
import { EmptyState } from '../../../../components/EmptyState'
import { LoadError } from '../../../../components/LoadError'
import { Screen } from '../../../../components/Screen'
import { Section } from '../../../../components/Section'
import { usePageData } from '../../../../hooks/load'
import { useRequireSession } from '../../../../hooks/session'
import './index.scss'

const monthLabel = (month: string) => `${month.slice(0, 4)} 年 ${Number(month.slice(5))} 月`
const score = (v: number | null) => (v === null ? '—' : v.toFixed(1))

/** 平安指数 as the centre published it: the region's latest month, its trend, one line per indicator. */
export default function SafetyIndexPage() {
  const session = useRequireSession()
  const { data, loading, error, reload } = usePageData(() => call(api.publicSafetyIndex, { query: {} }))
  if (!session) return <Screen>{null}</Screen>
  if (error && !data) return <Screen><LoadError message={error} onRetry={() => void reload()} /></Screen>
  if (!data) return <Screen><Text className='safety__loading'>{loading ? '加载中…' : ''}</Text></Screen>
  const latest = data.latest
  if (!latest) {
    return (
      <Screen>
        <EmptyState text='暂未发布平安指数' hint='综治中心每月发布一次，发布后可在这里查看' />
      </Screen>
    )
  }
  return (
    <Screen className='safety'>
      <View className='safety__head' id='safety-head'>
        <Text className='safety__region'>{latest.region.name}</Text>
        <Text className='safety__month'>{`${monthLabel(latest.month)} 平安指数`}</Text>
        <View className='safety__score-row'>
          <Text className='safety__score' id='safety-score'>{score(latest.score)}</Text>
          <Text className='safety__unit'>分</Text>
        </View>
        <Text className='safety__note'>满分 100，由治安、交通、消防和群众感受四方面加权计算</Text>
      </View>

      <Section title='近几个月'>
        {data.trend.map((t) => (
          <View key={t.month} className='safety-trend'>
            <Text className='safety-trend__month'>{monthLabel(t.month)}</Text>
            <View className='safety-trend__bar'>
              <View className='safety-trend__fill' style={{ width: `${Math.max(2, Math.min(100, t.score))}%` }} />
            </View>
            <Text className='safety-trend__score'>{score(t.score)}</Text>
          </View>
        ))}
      </Section>

      {latest.result.primaries.map((p) => (
        <Section key={p.code} title={`${p.name}  ${score(p.score)}`}>
          {p.indicators.map((i) => (
            <View key={i.code} className='safety-line'>
              <View className='safety-line__main'>
                <Text className='safety-line__name'>{i.name}</Text>
                <Text className='safety-line__explain'>{i.explanation}</Text>
              </View>
              <Text className='safety-line__score'>{i.score === null ? '无数据' : score(i.score)}</Text>
            </View>
          ))}
        </Section>
      ))}
    </Screen>
  )
}
