import { useEffect, useRef } from 'react'
import * as echarts from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'

// Only the charts and parts the console draws.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer])

export type ChartOption = echarts.ComposeOption<
  import('echarts/charts').BarSeriesOption | import('echarts/charts').LineSeriesOption |
  import('echarts/components').GridComponentOption | import('echarts/components').LegendComponentOption |
  import('echarts/components').TooltipComponentOption
>

export const PALETTE = ['#1677ff', '#13a8a8', '#fa8c16', '#eb2f96', '#722ed1', '#52c41a']

/** An ECharts chart that follows its option and its box's size. */
export function Chart({ option, height = 280, className }: { option: ChartOption; height?: number; className?: string }) {
  const box = useRef<HTMLDivElement>(null)
  const chart = useRef<echarts.ECharts | null>(null)
  useEffect(() => {
    if (!box.current) return
    const instance = echarts.init(box.current, undefined, { renderer: 'svg' })
    chart.current = instance
    const observer = new ResizeObserver(() => instance.resize())
    observer.observe(box.current)
    return () => {
      observer.disconnect()
      instance.dispose()
      chart.current = null
    }
  }, [])
  useEffect(() => {
    chart.current?.setOption({ color: PALETTE, animation: false, ...option }, true)
  }, [option])
  return <div ref={box} className={className ?? 'chart'} style={{ height }} />
}
