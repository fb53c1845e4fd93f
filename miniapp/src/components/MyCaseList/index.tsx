import { useCallback, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { api, type CaseView } from '@anju/shared'
import { call, errorMessage } from '../../api'
import { REPORT_PAGES } from '../../utils/reportRoutes'
import { EmptyState } from '../EmptyState'
import { CaseCard } from '../CaseCard'

/** 我的诉求: cases the resident reported or follows (a duplicate report follows the original), newest first. */
export function MyCaseList() {
  const [items, setItems] = useState<CaseView[] | null>(null)
  const [next, setNext] = useState<string | null>(null)
  const [error, setError] = useState('')

  const load = useCallback(async (cursor?: string) => {
    setError('')
    try {
      const page = await call(api.myCases, { query: cursor ? { cursor } : {} })
      setItems((prev) => (cursor && prev ? [...prev, ...page.items] : page.items))
      setNext(page.next)
    } catch (err) {
      setError(errorMessage(err))
    }
  }, [])

  useDidShow(() => {
    void load()
  })
  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh())
  })
  useReachBottom(() => {
    if (next) void load(next)
  })

  return (
    <View className='my-cases'>
      {error ? <Text className='form-error'>{error}</Text> : null}
      {items && items.length === 0 ? (
        <EmptyState text='还没有提交过诉求' hint='点下方按钮提交投诉、举报或隐患线索' />
      ) : null}
      {(items ?? []).map((item) => (
        <CaseCard key={item.id} item={item} onClick={() => Taro.navigateTo({ url: REPORT_PAGES.detail(item.id) })} />
      ))}
      <Button className='btn btn--primary' id='my-cases-new' onClick={() => Taro.navigateTo({ url: REPORT_PAGES.new('complaint') })}>
        我要投诉
      </Button>
    </View>
  )
}
